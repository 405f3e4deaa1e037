import { SlurmClient, SlurmError, type ElementStatus } from '../slurm';
import type { Transport } from '../transport';
import type { ArrayJob, Scheduler, SchedulerCommand, SchedulerLimits, SubmitRequest } from './scheduler';

const SUBMIT_ATTEMPTS = 4;
const SUBMIT_RETRY_MS = 2000;

/** Slurm reached through a transport (SSH to the login node, or this machine when it is one). */
export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm';
  readonly pollIntervalMs = { min: 1000, max: 30000 };
  private readonly client: SlurmClient;
  private cachedLimits?: SchedulerLimits;

  /** A known `maxArraySize` (the cluster profile's, or one learned earlier) spares asking scontrol. */
  constructor(transport: Transport, maxArraySize?: number) {
    this.client = new SlurmClient((argv) => transport.exec(argv));
    if (maxArraySize) this.cachedLimits = { maxArraySize };
  }

  async limits(): Promise<SchedulerLimits> {
    this.cachedLimits ??= { maxArraySize: (await this.client.config()).maxArraySize };
    return this.cachedLimits;
  }

  limitsCommand(): SchedulerCommand<SchedulerLimits> | undefined {
    if (this.cachedLimits) return undefined;
    const query = this.client.configCommand();
    return {
      argv: query.argv,
      read: (result) => (this.cachedLimits = { maxArraySize: query.read(result).maxArraySize }),
    };
  }

  submitCommand(request: SubmitRequest): SchedulerCommand<ArrayJob> {
    const query = this.client.submitCommand(submitArgs(request));
    return {
      argv: query.argv,
      read: (result) => ({ jobId: query.read(result), offset: request.offset, taskIds: request.taskIds }),
    };
  }

  /** Retries what Slurm says may pass later (controller busy, submit limits), with back-off. */
  async submit(request: SubmitRequest): Promise<ArrayJob> {
    for (let attempt = 1; ; attempt++) {
      try {
        const jobId = await this.client.submit(submitArgs(request));
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

function submitArgs(request: SubmitRequest) {
  return {
    scriptPath: `${request.runDir}/job.sbatch`,
    taskIds: request.taskIds,
    maxConcurrent: request.maxConcurrent,
    offset: request.offset,
  };
}
