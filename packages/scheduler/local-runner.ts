/**
 * The `local` cluster's job runner: a detached process per submitted array that runs each element
 * as `bash job.sbatch <offset>` with the environment Slurm would give it, at most maxConcurrent at
 * once, enforcing the time limit. Detached so that Ctrl-C in Nx leaves the job running, as on Slurm.
 * Usage: node local-runner.js <jobsDir> <jobId>
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { join } from 'node:path';
import type { ElementStatus } from '../slurm';
import { localJobFiles, type LocalJobSpec, type LocalJobState } from './local-job';

const TICK_MS = 100;
/** Grace between SIGTERM and SIGKILL, as Slurm's KillWait. */
const KILL_WAIT_MS = 5000;

function main(jobsDir: string, jobId: string): void {
  const files = localJobFiles(jobsDir, jobId);
  const spec: LocalJobSpec = JSON.parse(readFileSync(files.spec, 'utf8'));
  const node = hostname();
  const elements = new Map<number, ElementStatus>(
    spec.taskIds.map((taskId) => [taskId, { jobId, taskId, state: 'PENDING' }]),
  );
  const running = new Map<number, { child: ChildProcess; deadline?: number; ending?: ElementStatus['state'] }>();
  const pending = [...spec.taskIds];
  let dirty = true;

  const write = () => {
    if (!dirty) return;
    const groups = Object.fromEntries([...running].map(([taskId, job]) => [String(taskId), job.child.pid!]));
    const state: LocalJobState = { runnerPid: process.pid, elements: [...elements.values()], groups };
    writeFileSync(`${files.state}.tmp`, JSON.stringify(state));
    renameSync(`${files.state}.tmp`, files.state);
    dirty = false;
  };
  const update = (taskId: number, change: Partial<ElementStatus>) => {
    elements.set(taskId, { ...elements.get(taskId)!, ...change });
    dirty = true;
  };
  const stop = (taskId: number, state: ElementStatus['state']) => {
    const job = running.get(taskId);
    if (!job || job.ending) return;
    job.ending = state;
    signalGroup(job.child, 'SIGTERM');
    // not unref'd: the runner stays until the group is killed, even once bash itself has exited
    setTimeout(() => signalGroup(job.child, 'SIGKILL'), KILL_WAIT_MS);
  };

  const start = (taskId: number) => {
    const child = spawn('bash', [join(spec.runDir, 'job.sbatch'), String(spec.offset)], {
      cwd: spec.runDir,
      stdio: 'ignore',
      // its own process group, so a cancel or time limit reaches the program, not only bash
      detached: true,
      env: {
        ...process.env,
        SLURM_ARRAY_JOB_ID: jobId,
        SLURM_ARRAY_TASK_ID: String(taskId),
        SLURM_JOB_ID: `${jobId}_${taskId}`,
      },
    });
    const deadline = spec.timeLimitSeconds ? Date.now() + spec.timeLimitSeconds * 1000 : undefined;
    running.set(taskId, { child, deadline });
    update(taskId, { state: 'RUNNING', node, start: new Date().toISOString() });
    child.on('exit', (code, signal) => {
      const ending = running.get(taskId)?.ending;
      running.delete(taskId);
      update(taskId, {
        state: ending ?? (code === 0 ? 'COMPLETED' : 'FAILED'),
        // as sacct's ExitCode `code:signal`: a signal-killed task has exit code 0 and its signal
        exitCode: code ?? 0,
        signal: signal ? constants.signals[signal] : undefined,
        end: new Date().toISOString(),
      });
      // the freed slot is used at once, not at the next tick: short tasks would idle otherwise
      fill(cancelRequests());
    });
  };

  const cancelRequests = (): Set<string> =>
    existsSync(files.cancelDir) ? new Set(readdirSync(files.cancelDir)) : new Set();

  /** Drops cancelled pending elements, then starts pending ones while there are free slots. */
  const fill = (cancels: Set<string>) => {
    for (let k = pending.length - 1; k >= 0; k--) {
      const taskId = pending[k];
      if (cancels.has('all') || cancels.has(String(taskId))) {
        pending.splice(k, 1);
        update(taskId, { state: 'CANCELLED' });
      }
    }
    while (pending.length > 0 && running.size < spec.maxConcurrent) start(pending.shift()!);
  };

  /** Every tick: cancels and time limits of running elements, free slots, the state file. */
  const tick = () => {
    const cancels = cancelRequests();
    const now = Date.now();
    for (const [taskId, job] of running) {
      if (cancels.has('all') || cancels.has(String(taskId))) stop(taskId, 'CANCELLED');
      else if (job.deadline && now > job.deadline) stop(taskId, 'TIMEOUT');
    }
    fill(cancels);
    write();
    if (pending.length === 0 && running.size === 0) {
      clearInterval(timer);
    }
  };
  /** Stopped itself (kill, logout, shutdown): stop the elements too, so nothing runs unwatched. */
  const shutdown = () => {
    for (const taskId of pending.splice(0)) update(taskId, { state: 'CANCELLED', reason: 'local runner stopped' });
    for (const taskId of running.keys()) {
      update(taskId, { reason: 'local runner stopped' });
      stop(taskId, 'CANCELLED');
    }
    write();
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, shutdown);

  const timer = setInterval(tick, TICK_MS);
  tick();
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

const [jobsDir, jobId] = process.argv.slice(2);
main(jobsDir, jobId);
