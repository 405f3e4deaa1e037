import { posix } from 'node:path';
import { SlurmClient, type ElementStatus, type SubmissionOutcome } from '../slurm';
import type { Transport } from '../transport';
import type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';

/** Slurm reached through a transport (SSH to the login node, or this machine when it is one). */
export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm';
  readonly pollIntervalMs = { min: 1000, max: 30000 };
  private readonly client: SlurmClient;
  private cachedLimits?: SchedulerLimits;

  /**
   * `maxArraySize` from the cluster profile overrides what scontrol reports; `slurmEnv` is set
   * for every Slurm command, through `env` (so no value meets a shell).
   */
  constructor(
    transport: Transport,
    private readonly maxArraySizeOverride?: number,
    slurmEnv: Record<string, string> = {},
  ) {
    const assignments = Object.entries(slurmEnv).map(([name, value]) => `${name}=${value}`);
    this.client = new SlurmClient((argv) =>
      transport.exec(assignments.length > 0 ? ['env', ...assignments, ...argv] : argv),
    );
  }

  async limits(): Promise<SchedulerLimits> {
    if (this.maxArraySizeOverride) return { maxArraySize: this.maxArraySizeOverride };
    this.cachedLimits ??= { maxArraySize: (await this.client.config()).maxArraySize };
    return this.cachedLimits;
  }

  /** One sbatch; the launcher decides whether and when to try again (launch/submit-once.ts). */
  async submit(request: SubmitRequest): Promise<ArrayJob> {
    const jobId = await this.client.submit({
      scriptPath: posix.join(request.runDir, 'job.sbatch'),
      taskIds: request.taskIds,
      maxConcurrent: request.maxConcurrent,
      offset: request.offset,
      token: request.token,
      recordPath: submissionRecord(request),
    });
    return { jobId, offset: request.offset, taskIds: request.taskIds };
  }

  findSubmission(request: SubmitRequest): Promise<SubmissionOutcome> {
    return this.client.findSubmission({
      jobName: request.jobName,
      token: request.token,
      recordPath: submissionRecord(request),
    });
  }

  poll(jobs: ArrayJob[]): Promise<ElementStatus[]> {
    return this.client.poll(jobs.map((job) => job.jobId));
  }

  cancel(jobs: ArrayJob[], only?: { jobId: string; taskId: number }[]): Promise<void> {
    return this.client.cancel(
      jobs.map((job) => job.jobId),
      only,
    );
  }
}

/** Where the cluster keeps one submission's outcome: in its run folder, by token. */
function submissionRecord(request: SubmitRequest): string {
  return posix.join(request.runDir, 'submits', request.token);
}
