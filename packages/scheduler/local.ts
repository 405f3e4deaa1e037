import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { exitMarkerPath, isFinal, type ElementStatus } from '../slurm';
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

  /**
   * An element its runner left unfinished (the runner was killed, or died with the machine):
   * its processes are stopped rather than left running unwatched, and it is reported as what
   * really happened: the exit code its job script wrote, or NODE_FAIL.
   */
  private async orphaned(
    element: ElementStatus,
    state: LocalJobState,
    spec: LocalJobSpec | undefined,
  ): Promise<ElementStatus> {
    const group = state.groups?.[String(element.taskId)];
    if (group !== undefined && (await groupAlive(group))) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // ended in the meantime
      }
      return { ...element, state: 'NODE_FAIL', reason: 'local runner gone; its processes were stopped' };
    }
    const marker = spec
      ? await readFile(exitMarkerPath(spec.runDir, element.taskId + spec.offset), 'utf8').catch(() => undefined)
      : undefined;
    const exitCode = marker === undefined ? NaN : Number(marker.trim());
    if (!Number.isInteger(exitCode)) return { ...element, state: 'NODE_FAIL', reason: 'local runner gone' };
    return { ...element, state: exitCode === 0 ? 'COMPLETED' : 'FAILED', exitCode };
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
    const files = localJobFiles(this.jobsDir, job.jobId);
    try {
      const state: LocalJobState = JSON.parse(await readFile(files.state, 'utf8'));
      if (isAlive(state.runnerPid)) return state.elements;
      const spec: LocalJobSpec | undefined = await readFile(files.spec, 'utf8').then(JSON.parse, () => undefined);
      return Promise.all(state.elements.map((e) => (isFinal(e.state) ? e : this.orphaned(e, state, spec))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // the runner has not written its first snapshot yet
      return job.taskIds.map((taskId) => ({ jobId: job.jobId, taskId, state: 'PENDING' }));
    }
  }
}

/**
 * Whether a process group still has a live member. Where /proc exists, zombies do not count: an
 * orphan whose runner died may wait long to be reaped by a container's init.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  const pids = await readdir('/proc').catch(() => undefined);
  if (pids === undefined) return isAlive(-pgid);
  for (const pid of pids.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
