import { SlurmClient, type ElementStatus } from '../slurm';
import type { Transport } from '../transport';
import type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';

/** Slurm reached through a transport (SSH to the login node, or this machine when it is one). */
export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm';
  readonly pollIntervalMs = { min: 1000, max: 30000 };
  private readonly client: SlurmClient;
  private cachedLimits?: SchedulerLimits;

  /** `maxArraySize` from the cluster profile overrides what scontrol reports. */
  constructor(transport: Transport, private readonly maxArraySizeOverride?: number) {
    this.client = new SlurmClient((argv) => transport.exec(argv));
  }

  async limits(): Promise<SchedulerLimits> {
    if (this.maxArraySizeOverride) return { maxArraySize: this.maxArraySizeOverride };
    this.cachedLimits ??= { maxArraySize: (await this.client.config()).maxArraySize };
    return this.cachedLimits;
  }

  async submit(request: SubmitRequest): Promise<ArrayJob> {
    const jobId = await this.client.submit({
      scriptPath: `${request.runDir}/job.sbatch`,
      taskIds: request.taskIds,
      maxConcurrent: request.maxConcurrent,
      offset: request.offset,
    });
    return { jobId, offset: request.offset, taskIds: request.taskIds };
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
