import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { isFinal, type ElementStatus, type SubmissionOutcome } from '../slurm';
import { localJobFiles, type LocalJobSpec, type LocalJobState } from './local-job';
import type { ArrayJob, Scheduler, SchedulerLimits, SubmitRequest } from './scheduler';

/** Arrays on this machine, no Slurm: each submission is a detached runner process (local-runner.ts). */
export class LocalScheduler implements Scheduler {
  readonly name = 'local';
  readonly pollIntervalMs = { min: 200, max: 2000 };
  private readonly jobsDir: string;

  constructor(localRoot: string) {
    this.jobsDir = join(localRoot, 'jobs');
  }

  async limits(): Promise<SchedulerLimits> {
    return { maxArraySize: Number.MAX_SAFE_INTEGER };
  }

  async submit(request: SubmitRequest): Promise<ArrayJob> {
    const jobId = await this.allocateJobId();
    const files = localJobFiles(this.jobsDir, jobId);
    const spec: LocalJobSpec = {
      jobId,
      runDir: request.runDir,
      taskIds: request.taskIds,
      offset: request.offset,
      maxConcurrent: request.maxConcurrent ?? cpus().length,
      timeLimitSeconds: request.timeLimitSeconds,
    };
    await writeFile(files.spec, JSON.stringify(spec));
    const runner = spawn(process.execPath, [join(__dirname, 'local-runner.js'), this.jobsDir, jobId], {
      detached: true,
      stdio: 'ignore',
    });
    runner.unref();
    return { jobId, offset: request.offset, taskIds: request.taskIds };
  }

  /** A submission here either returned or failed before starting its runner: no reply gets lost. */
  async findSubmission(): Promise<SubmissionOutcome> {
    return { state: 'not-accepted' };
  }

  async poll(jobs: ArrayJob[]): Promise<ElementStatus[]> {
    const states = await Promise.all(jobs.map((job) => this.readState(job)));
    return states.flat();
  }

  async cancel(jobs: ArrayJob[], only?: { jobId: string; taskId: number }[]): Promise<void> {
    for (const job of jobs) {
      const { cancelDir } = localJobFiles(this.jobsDir, job.jobId);
      await mkdir(cancelDir, { recursive: true });
      const targets = only ? only.filter((e) => e.jobId === job.jobId).map((e) => String(e.taskId)) : ['all'];
      await Promise.all(targets.map((name) => writeFile(join(cancelDir, name), '')));
    }
  }

  /** Job ids count up from 1; mkdir is atomic, so two concurrent submissions take different ids. */
  private async allocateJobId(): Promise<string> {
    await mkdir(this.jobsDir, { recursive: true });
    const taken = (await readdir(this.jobsDir)).map(Number).filter(Number.isInteger);
    for (let id = Math.max(0, ...taken) + 1; ; id++) {
      try {
        await mkdir(join(this.jobsDir, String(id)));
        return String(id);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  private async readState(job: ArrayJob): Promise<ElementStatus[]> {
    try {
      const state: LocalJobState = JSON.parse(await readFile(localJobFiles(this.jobsDir, job.jobId).state, 'utf8'));
      if (isAlive(state.runnerPid)) return state.elements;
      // the runner died with the machine or was killed: what it left unfinished will never end
      return state.elements.map((e) =>
        isFinal(e.state) ? e : { ...e, state: 'NODE_FAIL', reason: 'local runner gone' },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // the runner has not written its first snapshot yet
      return job.taskIds.map((taskId) => ({ jobId: job.jobId, taskId, state: 'PENDING' }));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
