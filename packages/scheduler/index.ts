export type { ArrayJob, Scheduler, SchedulerCommand, SubmitRequest } from './scheduler';
export { LocalScheduler } from './local';
export { SlurmScheduler } from './slurm';
