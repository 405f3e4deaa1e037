import { join } from 'node:path';
import type { ElementStatus } from '../slurm';

/** What the `local` scheduler writes for its detached runner: the request and where state goes. */
export interface LocalJobSpec {
  jobId: string;
  runDir: string;
  taskIds: number[];
  offset: number;
  maxConcurrent: number;
  timeLimitSeconds?: number;
}

/** The runner's snapshot, rewritten atomically on every change. */
export interface LocalJobState {
  runnerPid: number;
  elements: ElementStatus[];
  /**
   * Process group of each running element (by task id): if the runner dies, the scheduler stops
   * them rather than let them run on unwatched.
   */
  groups?: Record<string, number>;
}

/** Files of one local job under `<localRoot>/jobs/<jobId>/`. */
export function localJobFiles(jobsDir: string, jobId: string) {
  const dir = join(jobsDir, jobId);
  return {
    dir,
    spec: join(dir, 'spec.json'),
    state: join(dir, 'state.json'),
    /** One empty file per element to cancel (`<taskId>`), or `all`. */
    cancelDir: join(dir, 'cancel'),
  };
}
