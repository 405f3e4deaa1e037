import type { ElementStatus, SubmissionOutcome } from '../slurm';

/** One submitted array: sweep index = taskId + offset (offset > 0 only past MaxArraySize). */
export interface ArrayJob {
  jobId: string;
  offset: number;
  taskIds: number[];
}

export interface SubmitRequest {
  /** Absolute path of the run folder, already holding job.sbatch, args.bin, args.idx, logs/, out/. */
  runDir: string;
  /** The job name job.sbatch gives the array. */
  jobName: string;
  /** Unique per submission, kept when it is tried again: finds the array after a lost reply. */
  token: string;
  taskIds: number[];
  offset: number;
  /** At most this many elements running at once (`%N`). */
  maxConcurrent?: number;
  /** Wall-clock limit the `local` scheduler enforces (Slurm reads `--time` from the script). */
  timeLimitSeconds?: number;
}

export interface SchedulerLimits {
  /** Highest task id + 1 that one array may use (Slurm's MaxArraySize). */
  maxArraySize: number;
}

/** Slurm (over a transport) or this machine's child processes, behind one interface. */
export interface Scheduler {
  readonly name: 'slurm' | 'local';
  /** Polling back-off bounds: Slurm's controller deserves patience, local files do not. */
  readonly pollIntervalMs: { min: number; max: number };
  limits(): Promise<SchedulerLimits>;
  /** One attempt: not retried, as a lost reply may hide an accepted array (see findSubmission). */
  submit(request: SubmitRequest): Promise<ArrayJob>;
  /** Whether a submission whose reply was lost was accepted, is still under way, or was not. */
  findSubmission(request: SubmitRequest): Promise<SubmissionOutcome>;
  /** Status of every element of these jobs, with at most two scheduler commands. */
  poll(jobs: ArrayJob[]): Promise<ElementStatus[]>;
  /** Cancels whole jobs, or only the given elements. */
  cancel(jobs: ArrayJob[], only?: { jobId: string; taskId: number }[]): Promise<void>;
}
