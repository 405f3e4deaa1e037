import type { ElementStatus } from '../slurm';
import type { ExecResult } from '../transport';

/** One submitted array: sweep index = taskId + offset (offset > 0 only past MaxArraySize). */
export interface ArrayJob {
  jobId: string;
  offset: number;
  taskIds: number[];
}

export interface SubmitRequest {
  /** Absolute path of the run folder, already holding job.sbatch, args/, logs/, out/. */
  runDir: string;
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

/** A scheduler command that a caller runs inside a remote command of its own, and how to read its result. */
export interface SchedulerCommand<T> {
  argv: string[];
  /** What the command's result says; throws (a SlurmError) when it failed. */
  read(result: ExecResult): T;
}

/** Slurm (over a transport) or this machine's child processes, behind one interface. */
export interface Scheduler {
  readonly name: 'slurm' | 'local';
  /** Polling back-off bounds: Slurm's controller deserves patience, local files do not. */
  readonly pollIntervalMs: { min: number; max: number };
  limits(): Promise<SchedulerLimits>;
  /** The command that answers limits() (which knows them from then on); undefined when they are known. */
  limitsCommand(): SchedulerCommand<SchedulerLimits> | undefined;
  submit(request: SubmitRequest): Promise<ArrayJob>;
  /**
   * The command that submits this request once, without submit()'s retries; undefined when
   * submitting is not a remote command (local).
   */
  submitCommand(request: SubmitRequest): SchedulerCommand<ArrayJob> | undefined;
  /** Status of every element of these jobs, with at most two scheduler commands. */
  poll(jobs: ArrayJob[]): Promise<ElementStatus[]>;
  /** Cancels whole jobs, or only the given elements. */
  cancel(jobs: ArrayJob[], only?: { jobId: string; taskId: number }[]): Promise<void>;
}
