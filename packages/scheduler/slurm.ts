import { posix } from 'node:path';
import {
  parseSbatchOutput,
  readSubmissionLookup,
  RECORDED_SUBMIT,
  sbatchArgv,
  SlurmClient,
  SlurmError,
  squeueByNameArgv,
  submissionComment,
  SUBMISSION_LOOKUP,
  type ElementStatus,
  type SubmissionOutcome,
} from '../slurm';
import { compressIndices } from '../sweep';
import type { Transport } from '../transport';
import type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';

/** Slurm reached through a transport (SSH to the login node, or this machine when it is one). */
export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm';
  readonly pollIntervalMs = { min: 1000, max: 30000 };
  private readonly client: SlurmClient;
  private cachedLimits?: SchedulerLimits;
  private readonly envAssignments: string[];

  /**
   * `maxArraySize` from the cluster profile overrides what scontrol reports; `slurmEnv` is set
   * for every Slurm command (through `env`, so no value meets a shell).
   */
  constructor(
    private readonly transport: Transport,
    private readonly maxArraySizeOverride?: number,
    slurmEnv: Record<string, string> = {},
  ) {
    this.envAssignments = Object.entries(slurmEnv).map(([name, value]) => `${name}=${value}`);
    this.client = new SlurmClient((argv) => transport.exec(this.slurm(argv)));
  }

  async limits(): Promise<SchedulerLimits> {
    if (this.maxArraySizeOverride) return { maxArraySize: this.maxArraySizeOverride };
    this.cachedLimits ??= { maxArraySize: (await this.client.config()).maxArraySize };
    return this.cachedLimits;
  }

  /** sbatch under a wrapper that records its outcome in the run folder (slurm/submission.ts). */
  async submit(request: SubmitRequest): Promise<ArrayJob> {
    if (request.taskIds.length === 0) throw new Error('Nothing to submit: the array has no task ids.');
    const sbatch = sbatchArgv({
      scriptPath: posix.join(request.runDir, 'job.sbatch'),
      arraySpec: compressIndices(request.taskIds),
      maxConcurrent: request.maxConcurrent,
      offset: request.offset,
      comment: submissionComment(request.token),
    });
    const result = await this.transport.exec([
      'bash',
      '-c',
      RECORDED_SUBMIT,
      'nx-slurm',
      submissionRecord(request),
      ...this.slurm(sbatch),
    ]);
    if (result.code !== 0) throw SlurmError.from('sbatch', result);
    return { jobId: parseSbatchOutput(result.stdout), offset: request.offset, taskIds: request.taskIds };
  }

  async findSubmission(request: SubmitRequest): Promise<SubmissionOutcome> {
    const result = await this.transport.exec([
      'bash',
      '-c',
      SUBMISSION_LOOKUP,
      'nx-slurm',
      submissionRecord(request),
      ...this.slurm(squeueByNameArgv(request.jobName)),
    ]);
    if (result.code !== 0) throw SlurmError.from('squeue', result);
    return readSubmissionLookup(result.stdout, request.token);
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

  /** A Slurm command with the profile's slurmEnv. */
  private slurm(argv: string[]): string[] {
    return this.envAssignments.length > 0 ? ['env', ...this.envAssignments, ...argv] : argv;
  }
}

/** Where the wrapper records one submission: in its run folder, by token. */
function submissionRecord(request: SubmitRequest): string {
  return posix.join(request.runDir, 'submits', request.token);
}
