import { SlurmClient, SlurmError, type ElementStatus } from '../slurm';
import type { Transport } from '../transport';
import type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';

const SUBMIT_ATTEMPTS = 4;
const SUBMIT_RETRY_MS = 2000;

/** Slurm reached through a transport (SSH to the login node, or this machine when it is one). */
export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm';
  readonly pollIntervalMs = { min: 1000, max: 30000 };
  private readonly client: SlurmClient;
  private cachedLimits?: SchedulerLimits;

  /**
   * `maxArraySize` from the cluster profile overrides what scontrol reports; `slurmEnv` is set
   * for every Slurm command (through `env`, so no value meets a shell).
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

  /** Retries what Slurm says may pass later (controller busy, submit limits), with back-off. */
  async submit(request: SubmitRequest): Promise<ArrayJob> {
    for (let attempt = 1; ; attempt++) {
      try {
        const jobId = await this.client.submit({
          scriptPath: `${request.runDir}/job.sbatch`,
          taskIds: request.taskIds,
          maxConcurrent: request.maxConcurrent,
          offset: request.offset,
        });
        return { jobId, offset: request.offset, taskIds: request.taskIds };
      } catch (error) {
        if (!(error instanceof SlurmError && error.retryable) || attempt >= SUBMIT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, SUBMIT_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
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
