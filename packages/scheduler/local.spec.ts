import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import type { ElementStatus } from '../slurm';
import type { ArrayJob, Scheduler } from './scheduler';

/**
 * The local scheduler runs each array as a detached `node <its folder>/local-runner.js`. Under
 * ts-jest there is no such .js beside local.ts, so the scheduler and its runner are compiled once
 * from this source, with the build's compiler options, into a temporary folder; the spec drives
 * that compiled LocalScheduler and real child processes.
 */
type LocalModule = typeof import('./local');

function compileScheduler(outDir: string): LocalModule {
  const configFile = join(__dirname, '..', '..', 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    { outDir, declaration: false, sourceMap: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const program = ts.createProgram([join(__dirname, 'local.ts'), join(__dirname, 'local-runner.ts')], parsed.options);
  const { emitSkipped } = program.emit();
  if (emitSkipped) throw new Error('could not compile the local scheduler');
  const compiled = join(outDir, 'packages', 'scheduler');
  if (!existsSync(join(compiled, 'local-runner.js'))) throw new Error(`no local-runner.js in ${compiled}`);
  // the compiled module, loaded at run time: the runner it forks must be plain JavaScript
  return require(join(compiled, 'local.js')) as LocalModule; // eslint-disable-line @typescript-eslint/no-require-imports
}

/** Polls `read` until `done` holds, failing with the last value seen at the deadline. */
async function waitFor<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Alive and not a zombie (an orphan may wait to be reaped by a container's init). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const FINAL = ['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED'];
const allFinal = (elements: ElementStatus[]) => elements.length > 0 && elements.every((e) => FINAL.includes(e.state));
const byTask = (elements: ElementStatus[]) => Object.fromEntries(elements.map((e) => [e.taskId, e]));

describe('LocalScheduler (real processes)', () => {
  let buildDir: string;
  let LocalScheduler: LocalModule['LocalScheduler'];
  let dir: string;
  let scheduler: Scheduler;
  const leftovers: number[] = [];

  beforeAll(() => {
    buildDir = mkdtempSync(join(tmpdir(), 'nx-slurm-local-build-'));
    ({ LocalScheduler } = compileScheduler(buildDir));
  }, 60_000);
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-local-'));
    scheduler = new LocalScheduler(join(dir, 'local'));
  });
  afterEach(() => {
    for (const pid of leftovers.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** A run folder whose job.sbatch is `body` (the runner runs `bash job.sbatch <offset>` inside it). */
  function runDirWith(body: string): string {
    const runDir = join(dir, 'runs', `run-${readdirSync(dir).length}-${Math.random().toString(16).slice(2, 6)}`);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'job.sbatch'), `#!/bin/bash\nset -u\n${body}\n`);
    return runDir;
  }
  const untilFinal = (jobs: ArrayJob[], timeoutMs?: number) =>
    waitFor(() => scheduler.poll(jobs), allFinal, 'every element to end', timeoutMs);

  it('is the `local` scheduler, with no array size limit', async () => {
    expect(scheduler.name).toBe('local');
    expect((await scheduler.limits()).maxArraySize).toBeGreaterThan(1_000_000);
  });

  it('reports PENDING for every element before the runner has written its first snapshot', async () => {
    const job = { jobId: '77', offset: 0, taskIds: [0, 4] };
    expect(await scheduler.poll([job])).toEqual([
      { jobId: '77', taskId: 0, state: 'PENDING' },
      { jobId: '77', taskId: 4, state: 'PENDING' },
    ]);
  });

  it('runs each element as `bash job.sbatch <offset>` in the run folder, with the Slurm variables', async () => {
    const runDir = runDirWith(
      'printf "%s|%s|%s|%s|%s" "$1" "$SLURM_ARRAY_JOB_ID" "$SLURM_ARRAY_TASK_ID" "$SLURM_JOB_ID" "$PWD" > "env.$SLURM_ARRAY_TASK_ID"',
    );

    const job = await scheduler.submit({ runDir, taskIds: [0, 2], offset: 10, maxConcurrent: 2 });
    await untilFinal([job]);

    expect(job).toEqual({ jobId: expect.stringMatching(/^\d+$/), offset: 10, taskIds: [0, 2] });
    expect(readFileSync(join(runDir, 'env.2'), 'utf8')).toBe(`10|${job.jobId}|2|${job.jobId}_2|${runDir}`);
    expect(existsSync(join(runDir, 'env.0'))).toBe(true);
    expect(existsSync(join(runDir, 'env.1'))).toBe(false);
  });

  it('maps exit codes: 0 is COMPLETED, anything else FAILED with its exit code, node and times set', async () => {
    const runDir = runDirWith('exit $(( SLURM_ARRAY_TASK_ID * 3 ))');

    const job = await scheduler.submit({ runDir, taskIds: [0, 1, 2], offset: 0, maxConcurrent: 3 });
    const elements = byTask(await untilFinal([job]));

    expect(elements[0]).toMatchObject({ jobId: job.jobId, state: 'COMPLETED', exitCode: 0, node: hostname() });
    expect(elements[1]).toMatchObject({ state: 'FAILED', exitCode: 3 });
    expect(elements[2]).toMatchObject({ state: 'FAILED', exitCode: 6 });
    for (const element of Object.values(elements)) {
      expect(Date.parse(element.end!)).toBeGreaterThanOrEqual(Date.parse(element.start!));
    }
  });

  it('never runs more than maxConcurrent elements at once, and does use them all', async () => {
    // the first element waits (at most 10 s) until a second one has started: two at once is
    // reached however slowly the machine starts them; the 0.3 s after it leave a third one
    // started against maxConcurrent the time to overlap
    const runDir = runDirWith(
      [
        'date +%s%N > "start.$SLURM_ARRAY_TASK_ID"',
        'for _ in $(seq 200); do [ "$(ls start.* | wc -l)" -lt 2 ] || break; sleep 0.05; done',
        'sleep 0.3',
        'date +%s%N > "end.$SLURM_ARRAY_TASK_ID"',
      ].join('\n'),
    );
    const taskIds = [0, 1, 2, 3, 4];

    const job = await scheduler.submit({ runDir, taskIds, offset: 0, maxConcurrent: 2 });
    const elements = await untilFinal([job], 20_000);

    expect(elements.every((e) => e.state === 'COMPLETED')).toBe(true);
    const spans = taskIds.map((id) => ({
      start: BigInt(readFileSync(join(runDir, `start.${id}`), 'utf8').trim()),
      end: BigInt(readFileSync(join(runDir, `end.${id}`), 'utf8').trim()),
    }));
    const overlapAt = (t: bigint) => spans.filter((s) => s.start <= t && t < s.end).length;
    const mostAtOnce = Math.max(...spans.map((s) => overlapAt(s.start)));
    expect(mostAtOnce).toBe(2);
  }, 30_000);

  it('enforces the time limit: TIMEOUT, and the element’s child processes are killed too', async () => {
    const runDir = runDirWith('sleep 300 &\necho $! > child.pid\nwait');

    const job = await scheduler.submit({ runDir, taskIds: [0], offset: 0, maxConcurrent: 1, timeLimitSeconds: 1 });
    const [element] = await untilFinal([job]);

    expect(element.state).toBe('TIMEOUT');
    expect(Date.parse(element.end!) - Date.parse(element.start!)).toBeGreaterThanOrEqual(1000);
    const child = Number(readFileSync(join(runDir, 'child.pid'), 'utf8'));
    leftovers.push(child);
    await waitFor(
      () => isRunning(child),
      (running) => !running,
      `the child ${child} to be killed`,
      3000,
    );
  });

  it('kills a child that ignores SIGTERM after the kill wait, even when bash itself exited on SIGTERM', async () => {
    const runDir = runDirWith(`( trap '' TERM; exec sleep 300 ) &\necho $! > child.pid\nwait`);

    const job = await scheduler.submit({ runDir, taskIds: [0], offset: 0, maxConcurrent: 1, timeLimitSeconds: 1 });
    const [element] = await untilFinal([job]);

    expect(element.state).toBe('TIMEOUT');
    const child = Number(readFileSync(join(runDir, 'child.pid'), 'utf8'));
    leftovers.push(child);
    expect(isRunning(child)).toBe(true);
    await waitFor(
      () => isRunning(child),
      (running) => !running,
      `the SIGTERM-proof child ${child} to be killed`,
      10_000,
    );
  }, 20_000);

  it('cancels one running element, leaving the others running, then the whole job', async () => {
    const runDir = runDirWith('sleep 300');
    const job = await scheduler.submit({ runDir, taskIds: [0, 1, 2], offset: 0, maxConcurrent: 3 });
    await waitFor(
      () => scheduler.poll([job]),
      (elements) => elements.every((e) => e.state === 'RUNNING'),
      'all three to run',
    );

    await scheduler.cancel([job], [{ jobId: job.jobId, taskId: 1 }]);
    const afterOne = byTask(
      await waitFor(
        () => scheduler.poll([job]),
        (elements) => byTask(elements)[1].state === 'CANCELLED',
        'element 1 cancelled',
      ),
    );

    expect(afterOne[0].state).toBe('RUNNING');
    expect(afterOne[2].state).toBe('RUNNING');

    await scheduler.cancel([job]);
    const elements = await untilFinal([job]);
    expect(elements.map((e) => e.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('cancels pending elements without ever starting them', async () => {
    const runDir = runDirWith('touch "started.$SLURM_ARRAY_TASK_ID"\nsleep 300');
    const job = await scheduler.submit({ runDir, taskIds: [0, 1, 2], offset: 0, maxConcurrent: 1 });
    const before = byTask(
      await waitFor(
        () => scheduler.poll([job]),
        (elements) => byTask(elements)[0].state === 'RUNNING',
        'element 0 to run',
      ),
    );
    expect([before[1].state, before[2].state]).toEqual(['PENDING', 'PENDING']);

    await scheduler.cancel([job]);
    const elements = byTask(await untilFinal([job]));

    expect(Object.values(elements).map((e) => e.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(elements[1].start).toBeUndefined();
    expect(readdirSync(runDir).filter((f) => f.startsWith('started.'))).toEqual(['started.0']);
  });

  it('only cancels elements of the job they belong to', async () => {
    const runDir = runDirWith('sleep 300');
    const a = await scheduler.submit({ runDir, taskIds: [0], offset: 0, maxConcurrent: 1 });
    const b = await scheduler.submit({ runDir, taskIds: [0], offset: 0, maxConcurrent: 1 });
    await waitFor(
      () => scheduler.poll([a, b]),
      (elements) => elements.every((e) => e.state === 'RUNNING'),
      'both jobs to run',
    );

    await scheduler.cancel([a, b], [{ jobId: b.jobId, taskId: 0 }]);
    await waitFor(() => scheduler.poll([b]), allFinal, 'job b to be cancelled');
    expect((await scheduler.poll([a]))[0].state).toBe('RUNNING');

    await scheduler.cancel([a]);
    expect((await untilFinal([a, b])).map((e) => `${e.jobId}:${e.state}`)).toEqual([
      `${a.jobId}:CANCELLED`,
      `${b.jobId}:CANCELLED`,
    ]);
  });

  it('allocates a different job id to every submission, also from schedulers sharing the folder', async () => {
    const runDir = runDirWith('exit 0');
    const schedulers = [scheduler, new LocalScheduler(join(dir, 'local')), new LocalScheduler(join(dir, 'local'))];

    const jobs = await Promise.all(
      schedulers.flatMap((s) => [
        s.submit({ runDir, taskIds: [0], offset: 0 }),
        s.submit({ runDir, taskIds: [0], offset: 0 }),
      ]),
    );
    await untilFinal(jobs);

    const ids = jobs.map((job) => Number(job.jobId));
    expect(new Set(ids).size).toBe(6);
    expect([...ids].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  const runnerOf = (job: ArrayJob) =>
    JSON.parse(readFileSync(join(dir, 'local', 'jobs', job.jobId, 'state.json'), 'utf8')) as {
      runnerPid: number;
      groups: Record<string, number>;
    };

  it("stops a killed runner's running elements and reports them NODE_FAIL, instead of letting them finish unwatched", async () => {
    const runDir = runDirWith('sleep 300 &\necho $! > child.pid\nwait');
    const job = await scheduler.submit({ runDir, taskIds: [0], offset: 0, maxConcurrent: 1 });
    await waitFor(() => existsSync(join(runDir, 'child.pid')), Boolean, 'element 0 to start its child');
    const child = Number(readFileSync(join(runDir, 'child.pid'), 'utf8'));
    leftovers.push(child);
    const { runnerPid } = runnerOf(job);
    process.kill(runnerPid, 'SIGKILL');
    await waitFor(
      () => isRunning(runnerPid),
      (running) => !running,
      `the runner ${runnerPid} to die`,
    );

    const [element] = await scheduler.poll([job]);
    expect(element).toMatchObject({ state: 'NODE_FAIL', reason: 'local runner gone; its processes were stopped' });
    await waitFor(
      () => isRunning(child),
      (running) => !running,
      `the orphaned child ${child} to be killed`,
      3000,
    );
  });

  it('reports the exit code an element wrote after its runner died', async () => {
    const runDir = runDirWith(
      'while [ ! -f go ]; do sleep 0.05; done\nmkdir -p exit\necho 3 > "exit/$((SLURM_ARRAY_TASK_ID + $1))"\nexit 3',
    );
    const job = await scheduler.submit({ runDir, taskIds: [1], offset: 5, maxConcurrent: 1 });
    await waitFor(
      () => scheduler.poll([job]),
      (elements) => elements[0]?.state === 'RUNNING',
      'element 1 to run',
    );
    const { runnerPid, groups } = runnerOf(job);
    process.kill(runnerPid, 'SIGKILL');
    await waitFor(
      () => isRunning(runnerPid),
      (running) => !running,
      `the runner ${runnerPid} to die`,
    );
    writeFileSync(join(runDir, 'go'), '');
    await waitFor(
      () => isRunning(groups['1']),
      (running) => !running,
      'the element to end',
    );

    expect(await scheduler.poll([job])).toEqual([expect.objectContaining({ state: 'FAILED', exitCode: 3 })]);
  });

  it('a runner told to stop stops its elements and reports them CANCELLED', async () => {
    const runDir = runDirWith('touch "started.$SLURM_ARRAY_TASK_ID"\nsleep 300');
    const job = await scheduler.submit({ runDir, taskIds: [0, 1], offset: 0, maxConcurrent: 1 });
    await waitFor(
      () => scheduler.poll([job]),
      (elements) => elements[0]?.state === 'RUNNING',
      'element 0 to run',
    );
    const { runnerPid, groups } = runnerOf(job);
    process.kill(runnerPid, 'SIGTERM');

    const elements = await untilFinal([job]);
    expect(elements.map((e) => [e.state, e.reason])).toEqual([
      ['CANCELLED', 'local runner stopped'],
      ['CANCELLED', 'local runner stopped'],
    ]);
    await waitFor(
      () => isRunning(groups['0']),
      (running) => !running,
      'element 0 to be stopped',
    );
    expect(readdirSync(runDir).filter((f) => f.startsWith('started.'))).toEqual(['started.0']);
  });

  it('reports what a vanished runner left unfinished as NODE_FAIL, keeping what had ended', async () => {
    const gone = spawnSync('true').pid!;
    const jobDir = join(dir, 'local', 'jobs', '5');
    mkdirSync(jobDir, { recursive: true });
    const elements: ElementStatus[] = [
      { jobId: '5', taskId: 0, state: 'COMPLETED', exitCode: 0 },
      { jobId: '5', taskId: 1, state: 'RUNNING' },
      { jobId: '5', taskId: 2, state: 'PENDING' },
    ];
    writeFileSync(join(jobDir, 'state.json'), JSON.stringify({ runnerPid: gone, elements }));

    expect(await scheduler.poll([{ jobId: '5', offset: 0, taskIds: [0, 1, 2] }])).toEqual([
      elements[0],
      { ...elements[1], state: 'NODE_FAIL', reason: 'local runner gone' },
      { ...elements[2], state: 'NODE_FAIL', reason: 'local runner gone' },
    ]);
  });
});
