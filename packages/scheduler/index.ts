export type { ArrayJob, Scheduler, SchedulerCommand, SchedulerLimits, SubmitRequest } from './scheduler';
export { LocalScheduler } from './local';
export { SlurmScheduler } from './slurm';
