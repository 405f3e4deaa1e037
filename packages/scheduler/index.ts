export type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';
export { LocalScheduler } from './local';
export { SlurmScheduler } from './slurm';
