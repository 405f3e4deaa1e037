export type { ArrayJob, Scheduler, SubmitRequest } from './scheduler';
export { LocalScheduler } from './local';
export { SlurmScheduler } from './slurm';
