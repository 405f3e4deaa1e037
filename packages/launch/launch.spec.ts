import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepConfigSchema, type ResolvedCluster } from '../config';
import type { ArrayJob, Scheduler, SubmitRequest } from '../scheduler';
import type { ElementStatus, SlurmState } from '../slurm';
import { resolveSweep } from '../sweep';
import { LocalTransport, RemoteScriptError } from '../transport';
import { launchSweep } from './launch';
import type { Ledger } from './ledger';
import { prepareSweep, type PreparedSweep, type SweepRequest } from './prepare';
import { RemoteLayout } from './remote-layout';
import type { IndexResult } from './report';
import type { Session } from './session';

/**
 * launchSweep + prepareSweep end to end on this machine: a real LocalTransport, a real temporary
 * workspace and "remote root" (so the fixed bash programs that install bundles, create run
 * folders and read log tails really run), and a FAKE scheduler whose answers each test scripts.
 * The fake is the point: NODE_FAIL, PREEMPTED, sacct lag and elements vanishing from every
 * source cannot be produced on demand by a real cluster.
 */

jest.setTimeout(30_000);

/** What the fake reports for one element at one poll: a state, a full status, or nothing at all. */
type Step = SlurmState | 'GONE' | Omit<ElementStatus, 'jobId' | 'taskId'>;

/** Per sweep index (taskId + offset), the answers of successive polls; the last one sticks. */
type Script = Record<number, Step[]>;

const MAX_POLLS = 500;

class FakeScheduler implements Scheduler {
  readonly name = 'slurm' as const;
  readonly pollIntervalMs = { min: 1, max: 5 };
  readonly submits: SubmitRequest[] = [];
  readonly polls: ArrayJob[][] = [];
  readonly cancels: { jobs: ArrayJob[]; only?: { jobId: string; taskId: number }[] }[] = [];
  script: Script = {};
  /** Called after each submission, as the job would run: write exit markers, logs. */
  onSubmit?: (request: SubmitRequest, jobId: string) => Promise<void> | void;
  /** Called at the start of each poll (to move a fake clock). */
  onPoll?: () => void;
  private nextJobId = 100;

  constructor(private readonly maxArraySize = 1001) {}

  async limits() {
    return { maxArraySize: this.maxArraySize };
  }

  async submit(request: SubmitRequest): Promise<ArrayJob> {
    this.submits.push(structuredClone(request));
    const jobId = String(this.nextJobId++);
    await this.onSubmit?.(request, jobId);
    return { jobId, offset: request.offset, taskIds: [...request.taskIds] };
  }

  async poll(jobs: ArrayJob[]): Promise<ElementStatus[]> {
    this.polls.push(structuredClone(jobs));
    if (this.polls.length > MAX_POLLS)
      throw new Error(`the launch polled more than ${MAX_POLLS} times: a script never ends`);
    this.onPoll?.();
    const statuses: ElementStatus[] = [];
    for (const job of jobs) {
      for (const taskId of job.taskIds) {
        const step = this.next(taskId + job.offset);
        if (step === 'GONE') continue;
        statuses.push({ jobId: job.jobId, taskId, ...(typeof step === 'string' ? { state: step } : step) });
      }
    }
    return statuses;
  }

  async cancel(jobs: ArrayJob[], only?: { jobId: string; taskId: number }[]): Promise<void> {
    this.cancels.push({ jobs, only });
  }

  /** Submissions and polls since the given counts (for one launch among several). */
  since(mark: { submits: number; polls: number }) {
    return { submits: this.submits.slice(mark.submits), polls: this.polls.slice(mark.polls) };
  }
  mark() {
    return { submits: this.submits.length, polls: this.polls.length };
  }

  private next(index: number): Step {
    const steps = this.script[index] ?? [{ state: 'COMPLETED', exitCode: 0 }];
    return steps.length > 1 ? steps.shift()! : steps[0];
  }
}

const JOB = 'exp';
const PROJECT = 'experiments/exp';
const LIBRARY = 'libs/metrics';
const COMMAND = 'python3 train.py --epochs 3';

let workspace: string;
let root: string;
let fake: FakeScheduler;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'nx-slurm-launch-'));
  workspace = join(base, 'workspace');
  root = join(base, 'remote');
  await mkdir(join(workspace, PROJECT), { recursive: true });
  await mkdir(join(workspace, LIBRARY), { recursive: true });
  await mkdir(root);
  await writeFile(join(workspace, PROJECT, 'train.py'), "print('training')\n");
  // describes the sweep, not its code: must stay out of the bundle
  await writeFile(join(workspace, PROJECT, 'slurm.json'), '{"command": "python3 train.py"}\n');
  await writeFile(join(workspace, LIBRARY, 'metrics.py'), 'def score():\n    return 1\n');
  // incompressible, so an upload of the project bundle is easy to tell from a run folder's
  await writeFile(join(workspace, PROJECT, 'weights.bin'), randomBytes(32 * 1024));
  fake = new FakeScheduler();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await rm(join(workspace, '..'), { recursive: true, force: true });
});

const cluster = (): ResolvedCluster => ({
  name: 'fake',
  scheduler: 'slurm',
  transport: 'local',
  profile: { remoteRoot: root },
});

function request(config: Record<string, unknown> = {}, extra: Partial<SweepRequest> = {}): SweepRequest {
  const sweep = resolveSweep(
    {
      config: sweepConfigSchema.parse({
        command: COMMAND,
        args: ['--lr 0.1', '--lr 0.2', '--lr 0.3'],
        libraries: [LIBRARY],
        ...config,
      }),
      file: join(PROJECT, 'slurm.json'),
      projectName: JOB,
    },
    cluster(),
  );
  return {
    ...sweep,
    workspaceRoot: workspace,
    projectRoot: PROJECT,
    libraries: [{ name: 'metrics', root: LIBRARY }],
    cluster: cluster(),
    ...extra,
  };
}

interface Launched {
  sweep: PreparedSweep;
  results: IndexResult[];
  logs: string[];
  sessions: Session[];
  transports: LocalTransport[];
}

/**
 * Prepares and launches one sweep, collecting every result. `stopAfter` ends the iteration early
 * after that many results, as Ctrl-C does.
 */
async function launch(
  req: SweepRequest,
  { wait = true, stopAfter }: { wait?: boolean; stopAfter?: number } = {},
): Promise<Launched> {
  const sweep = await prepareSweep(req);
  const out: Launched = { sweep, results: [], logs: [], sessions: [], transports: [] };
  const openSession = async (): Promise<Session> => {
    const transport = new LocalTransport();
    const session: Session = {
      cluster: req.cluster,
      transport,
      scheduler: fake,
      layout: new RemoteLayout(root),
      installedBundles: new Map(),
      pendingUploads: new Set(),
      jobs: new Set(),
    };
    out.sessions.push(session);
    out.transports.push(transport);
    return session;
  };
  for await (const result of launchSweep(sweep, openSession, { wait, log: (line) => out.logs.push(line) })) {
    out.results.push(result);
    if (stopAfter !== undefined && out.results.length >= stopAfter) break;
  }
  return out;
}

async function readLedger(): Promise<Ledger> {
  return JSON.parse(await readFile(join(workspace, '.nx-slurm', 'ledger', 'fake', `${JOB}.json`), 'utf8')) as Ledger;
}

const nulWords = (words: string[]) => Buffer.from(words.map((w) => `${w}\0`).join(''), 'utf8');
const progressLines = (logs: string[]) => logs.filter((l) => /^exp: \d+\/\d+ done, /.test(l));
const byIndex = (results: IndexResult[]) => new Map(results.map((r) => [r.index, r]));

/** Writes what a finished task leaves in its run folder: the exit marker and (optionally) logs. */
async function finishTask(runDir: string, index: number, exitCode: number, logs: { out?: string; err?: string } = {}) {
  await writeFile(join(runDir, 'exit', String(index)), `${exitCode}\n`);
  if (logs.out !== undefined) await writeFile(join(runDir, 'logs', `${index}.out`), logs.out);
  if (logs.err !== undefined) await writeFile(join(runDir, 'logs', `${index}.err`), logs.err);
}

describe('launchSweep: first launch', () => {
  it('installs the bundles, creates the run folder, submits once and yields results in the order they finish', async () => {
    fake.script = {
      0: ['RUNNING', { state: 'COMPLETED', exitCode: 0, node: 'n1' }],
      // polls 3 and 4 change nothing: no progress line for them
      1: ['PENDING', 'RUNNING', 'RUNNING', 'RUNNING', { state: 'FAILED', exitCode: 3 }],
      2: [{ state: 'COMPLETED', exitCode: 0, node: 'n2' }],
    };
    fake.onSubmit = async (req) => {
      await finishTask(req.runDir, 1, 3, { out: 'epoch 1\n', err: 'Traceback: boom\n' });
    };
    const { sweep, results, logs, sessions } = await launch(request());

    // bundles/<sha>/ holds the project's files (and not slurm.json), and the library's
    const projectDir = join(root, 'bundles', sweep.project.sha256);
    const libraryDir = join(root, 'bundles', sweep.libraries[0].bundle.sha256);
    expect(await readFile(join(projectDir, 'train.py'), 'utf8')).toBe("print('training')\n");
    expect(existsSync(join(projectDir, 'slurm.json'))).toBe(false);
    expect(await readFile(join(libraryDir, 'metrics.py'), 'utf8')).toContain('def score()');
    expect((await readdir(join(root, 'bundles'))).sort()).toEqual(
      [sweep.project.sha256, sweep.libraries[0].bundle.sha256].sort(),
    );
    // nothing left half-done in incoming/
    expect(await readdir(join(root, 'incoming'))).toEqual([]);

    // one run folder runs/<job>/<runId>/ with everything the job needs
    const runIds = await readdir(join(root, 'runs', JOB));
    expect(runIds).toHaveLength(1);
    expect(runIds[0]).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    const runDir = join(root, 'runs', JOB, runIds[0]);
    expect((await readdir(runDir)).sort()).toEqual([
      'args',
      'env.bin',
      'exit',
      'job.sbatch',
      'jobs',
      'logs',
      'meta.json',
      'out',
    ]);
    // which job runs which indices, for another clone of the workspace to attach to
    expect(await readFile(join(runDir, 'jobs'), 'utf8')).toBe('100 0 0-2\n');
    expect((await stat(join(runDir, 'job.sbatch'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(runDir, 'job.sbatch'), 'utf8')).toContain(projectDir);
    for (const [i, lr] of ['0.1', '0.2', '0.3'].entries()) {
      expect(await readFile(join(runDir, 'args', String(i)))).toEqual(
        nulWords(['python3', 'train.py', '--epochs', '3', '--lr', lr]),
      );
      expect((await stat(join(runDir, 'out', String(i)))).isDirectory()).toBe(true);
    }
    expect((await readFile(join(runDir, 'env.bin'))).length).toBe(0);
    const meta = JSON.parse(await readFile(join(runDir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({
      jobName: JOB,
      runId: runIds[0],
      cluster: 'fake',
      bundles: { project: sweep.project.sha256 },
    });
    expect(meta.indices.map((i: { fingerprint: string }) => i.fingerprint)).toEqual(
      sweep.items.map((i) => i.fingerprint),
    );

    // ONE submission with every index
    expect(sessions).toHaveLength(1);
    expect(fake.submits).toEqual([
      { runDir, taskIds: [0, 1, 2], offset: 0, maxConcurrent: undefined, timeLimitSeconds: undefined },
    ]);
    // every poll asks about the one job: all elements at first, then only the unfinished
    expect(fake.polls).toEqual([
      [{ jobId: '100', offset: 0, taskIds: [0, 1, 2] }],
      [{ jobId: '100', offset: 0, taskIds: [0, 1] }],
      [{ jobId: '100', offset: 0, taskIds: [1] }],
      [{ jobId: '100', offset: 0, taskIds: [1] }],
      [{ jobId: '100', offset: 0, taskIds: [1] }],
    ]);

    // results in the order they finished: 2 (poll 1), 0 (poll 2), 1 (poll 5)
    expect(results.map((r) => r.index)).toEqual([2, 0, 1]);
    expect(results.map((r) => r.state)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    const failed = byIndex(results).get(1)!;
    expect(failed).toMatchObject({
      exitCode: 3,
      jobId: '100',
      taskId: 1,
      runDir,
      runIndex: 1,
      fromLedger: false,
      argv: ['--lr', '0.2'],
    });
    expect(failed.stderrTail).toBe('Traceback: boom\n');
    expect(failed.stdoutTail).toBe('epoch 1\n');
    expect(byIndex(results).get(2)).toMatchObject({ node: 'n2', exitCode: 0, fromLedger: false });

    // the ledger knows every fingerprint and how it ended
    const ledger = await readLedger();
    expect(Object.keys(ledger.entries).sort()).toEqual(sweep.items.map((i) => i.fingerprint).sort());
    expect(sweep.items.map((i) => ledger.entries[i.fingerprint].state)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
    expect(sweep.items.map((i) => ledger.entries[i.fingerprint])).toEqual(
      [0, 1, 2].map((i) =>
        expect.objectContaining({ runDir, runIndex: i, jobId: '100', taskId: i, offset: 0, attempts: 1 }),
      ),
    );

    // log lines: uploads, submission, one progress line per change in the exact format
    expect(logs).toContainEqual(
      expect.stringMatching(/^nx-slurm: uploaded project bundle [0-9a-f]{12} \(\d+ bytes\) to fake$/),
    );
    expect(logs).toContainEqual(
      expect.stringMatching(/^nx-slurm: uploaded library metrics bundle [0-9a-f]{12} \(\d+ bytes\) to fake$/),
    );
    expect(logs).toContain(`exp: submitted job 100 (3 index(es)) on fake, run ${runDir}`);
    expect(progressLines(logs)).toEqual([
      'exp: 1/3 done, 1 running, 1 pending, 0 failed',
      'exp: 2/3 done, 1 running, 0 pending, 0 failed',
      'exp: 2/3 done, 0 running, 0 pending, 1 failed',
    ]);
  });

  it('sends env as sorted NUL-terminated records and resources into the script', async () => {
    fake.script = {};
    const { results } = await launch(
      request({
        env: { ZED: 'a b $HOME `x`', ALPHA: 'line1\nline2' },
        resources: { time: '00:10:00', cpusPerTask: 2 },
        maxConcurrent: 2,
      }),
    );
    expect(results).toHaveLength(3);
    const runDir = fake.submits[0].runDir;
    expect(await readFile(join(runDir, 'env.bin'))).toEqual(
      Buffer.from('ALPHA=line1\nline2\0ZED=a b $HOME `x`\0', 'utf8'),
    );
    expect(await readFile(join(runDir, 'job.sbatch'), 'utf8')).toMatch(/--cpus-per-task=2/);
    expect(fake.submits[0]).toMatchObject({ maxConcurrent: 2, timeLimitSeconds: 600 });
  });

  it('waits out sacct lag: an element missing from the first polls is still followed, not given up', async () => {
    fake.script = { 0: ['GONE', 'GONE', 'GONE', 'RUNNING', 'COMPLETED'], 1: ['COMPLETED'], 2: ['GONE', 'COMPLETED'] };
    const { results } = await launch(request());
    expect(results.map((r) => [r.index, r.state])).toEqual([
      [1, 'COMPLETED'],
      [2, 'COMPLETED'],
      [0, 'COMPLETED'],
    ]);
    expect(fake.submits).toHaveLength(1);
  });

  it('rejects an index outside the sweep before anything connects', async () => {
    await expect(prepareSweep(request({}, { indices: [1, 3] }))).rejects.toThrow(
      /the sweep has 3 indices \(0-2\); there is no index 3/,
    );
    expect(existsSync(join(root, 'bundles'))).toBe(false);
  });

  it('launches only the requested indices', async () => {
    const { results } = await launch(request({}, { indices: [2] }));
    expect(fake.submits.map((s) => s.taskIds)).toEqual([[2]]);
    expect(results.map((r) => r.index)).toEqual([2]);
    const runDir = fake.submits[0].runDir;
    expect(await readdir(join(runDir, 'args'))).toEqual(['2']);
  });
});

describe('launchSweep: elements that can never start', () => {
  it("shows Slurm's pending reasons while waiting, and cancels and fails an element that can never start", async () => {
    fake.script = {
      0: [{ state: 'PENDING', reason: 'Priority' }, 'RUNNING', { state: 'COMPLETED', exitCode: 0 }],
      1: [
        { state: 'PENDING', reason: 'None' },
        { state: 'PENDING', reason: 'PartitionConfig' },
      ],
      2: [
        { state: 'PENDING', reason: 'Resources' },
        { state: 'COMPLETED', exitCode: 0 },
      ],
    };
    const { results, logs } = await launch(request());

    expect(progressLines(logs)[0]).toBe('exp: 0/3 done, 0 running, 3 pending (Priority, Resources), 0 failed');
    expect(byIndex(results).get(1)).toMatchObject({ state: 'FAILED', reason: 'PartitionConfig' });
    expect(fake.cancels).toEqual([
      { jobs: [{ jobId: '100', offset: 0, taskIds: [1] }], only: [{ jobId: '100', taskId: 1 }] },
    ]);
    const ledger = await readLedger();
    expect(Object.values(ledger.entries).find((e) => e.runIndex === 1)).toMatchObject({
      state: 'FAILED',
      reason: 'PartitionConfig',
    });
    expect(fake.polls.every((jobs) => jobs.flatMap((j) => j.taskIds).length > 0)).toBe(true);
    // a rerun submits it again (with whatever resources slurm.json says by then)
    fake.script = {};
    const rerun = await launch(request());
    expect(fake.submits.at(-1)?.taskIds).toEqual([1]);
    expect(byIndex(rerun.results).get(1)?.state).toBe('COMPLETED');
  });
});

describe('launchSweep: relaunch', () => {
  it('takes completed indices from the ledger, attaches to a running one and resubmits only the failed one', async () => {
    // first launch: 0 completes, 1 fails, 2 still runs when the user presses Ctrl-C
    fake.script = { 0: ['COMPLETED'], 1: [{ state: 'FAILED', exitCode: 1 }], 2: ['RUNNING'] };
    const first = await launch(request(), { stopAfter: 2 });
    expect(first.results.map((r) => [r.index, r.state])).toEqual([
      [0, 'COMPLETED'],
      [1, 'FAILED'],
    ]);
    const firstRunDir = fake.submits[0].runDir;
    expect((await readLedger()).entries[first.sweep.items[2].fingerprint]).toMatchObject({
      state: 'RUNNING',
      jobId: '100',
      taskId: 2,
    });

    // second launch: 0 from the ledger, 2 attached in job 100, 1 alone in a new array
    fake.script = { 1: ['RUNNING', 'COMPLETED'], 2: ['RUNNING', 'RUNNING', 'COMPLETED'] };
    const mark = fake.mark();
    const second = await launch(request());
    const { submits, polls } = fake.since(mark);
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({ taskIds: [1], offset: 0 });
    expect(submits[0].runDir).not.toBe(firstRunDir);
    expect(await readdir(join(submits[0].runDir, 'args'))).toEqual(['1']);
    expect(polls[0]).toEqual(
      expect.arrayContaining([
        { jobId: '100', offset: 0, taskIds: [2] },
        { jobId: '101', offset: 0, taskIds: [1] },
      ]),
    );
    expect(polls[0]).toHaveLength(2);
    expect(second.logs).toContain('exp: attaching to 1 index(es) still queued or running');
    expect(second.results[0]).toMatchObject({
      index: 0,
      state: 'COMPLETED',
      fromLedger: true,
      jobId: '100',
      runDir: firstRunDir,
    });
    expect(second.results.slice(1).map((r) => [r.index, r.state, r.fromLedger, r.jobId])).toEqual([
      [1, 'COMPLETED', false, '101'],
      [2, 'COMPLETED', false, '100'],
    ]);
    expect(byIndex(second.results).get(2)!.runDir).toBe(firstRunDir);
    // the first run folder is never touched by the relaunch
    expect(await readdir(join(firstRunDir, 'args'))).toEqual(['0', '1', '2']);

    // third launch: everything done -> no session, no submission, no poll
    const third = await launch(request());
    expect(third.sessions).toHaveLength(0);
    expect(fake.since(mark).submits).toHaveLength(1);
    expect(third.results.map((r) => [r.index, r.state, r.fromLedger])).toEqual([
      [0, 'COMPLETED', true],
      [1, 'COMPLETED', true],
      [2, 'COMPLETED', true],
    ]);
  });

  it('submits, returns at once with wait: false, and a later launch attaches instead of submitting again', async () => {
    const first = await launch(request(), { wait: false });
    expect(first.results).toEqual([]);
    expect(fake.submits).toHaveLength(1);
    expect(fake.polls).toHaveLength(0);
    expect(first.logs.some((l) => l.startsWith('exp: submitted job 100 '))).toBe(true);
    const ledger = await readLedger();
    expect(Object.values(ledger.entries).map((e) => [e.state, e.jobId])).toEqual([
      ['PENDING', '100'],
      ['PENDING', '100'],
      ['PENDING', '100'],
    ]);

    fake.script = { 0: ['RUNNING', 'COMPLETED'], 1: ['COMPLETED'], 2: ['PENDING', 'RUNNING', 'COMPLETED'] };
    const second = await launch(request());
    expect(fake.submits).toHaveLength(1);
    expect(fake.polls[0]).toEqual([{ jobId: '100', offset: 0, taskIds: [0, 1, 2] }]);
    expect(second.logs).toContain('exp: attaching to 3 index(es) still queued or running');
    expect(second.results.map((r) => [r.index, r.state, r.fromLedger])).toEqual([
      [1, 'COMPLETED', false],
      [0, 'COMPLETED', false],
      [2, 'COMPLETED', false],
    ]);
  });

  it('force: true resubmits indices that already completed', async () => {
    await launch(request());
    expect(fake.submits).toHaveLength(1);
    const forced = await launch(request({}, { force: true }));
    expect(forced.sessions).toHaveLength(1);
    expect(fake.submits).toHaveLength(2);
    expect(fake.submits[1].taskIds).toEqual([0, 1, 2]);
    expect(fake.submits[1].runDir).not.toBe(fake.submits[0].runDir);
    expect(forced.results.map((r) => [r.state, r.fromLedger, r.jobId])).toEqual([
      ['COMPLETED', false, '101'],
      ['COMPLETED', false, '101'],
      ['COMPLETED', false, '101'],
    ]);
  });

  it('rebuilds an empty ledger from the run folders on the cluster instead of resubmitting', async () => {
    fake.onSubmit = async (req) => {
      for (const taskId of req.taskIds) await finishTask(req.runDir, taskId + req.offset, taskId === 1 ? 2 : 0);
    };
    fake.script = { 1: [{ state: 'FAILED', exitCode: 2 }] };
    await launch(request());
    await rm(join(workspace, '.nx-slurm'), { recursive: true });

    fake.script = {};
    const again = await launch(request());
    expect(again.logs).toContain('exp: no local ledger; recovered 3 index(es) from the run folders on fake');
    // 0 and 2 completed (markers 0): reported; 1 failed (marker 2): submitted again, alone
    expect(again.results.filter((r) => r.fromLedger).map((r) => r.index)).toEqual([0, 2]);
    expect(fake.submits.map((s) => s.taskIds)).toEqual([[0, 1, 2], [1]]);
    expect(byIndex(again.results).get(1)).toMatchObject({ state: 'COMPLETED', fromLedger: false });
  });
});

describe('launchSweep: shipping code only when it changed', () => {
  it('uploads no bundle when the code is unchanged, only the run folder', async () => {
    fake.script = { 1: [{ state: 'FAILED', exitCode: 1 }] };
    const first = await launch(request());
    const firstBytes = first.transports[0].stats().bytesSent;
    const bundleBytes = first.sweep.project.bytes + first.sweep.libraries[0].bundle.bytes;
    expect(firstBytes).toBeGreaterThan(bundleBytes);

    fake.script = {};
    const sweep = await prepareSweep(request());
    const writes: string[] = [];
    const logs: string[] = [];
    const transport = new LocalTransport();
    const writeFileSpy = jest.spyOn(transport, 'writeFile');
    const session: Session = {
      cluster: cluster(),
      transport,
      scheduler: fake,
      layout: new RemoteLayout(root),
      installedBundles: new Map(),
      pendingUploads: new Set(),
      jobs: new Set(),
    };
    for await (const _ of launchSweep(sweep, async () => session, { wait: true, log: (l) => logs.push(l) })) void _;
    writes.push(...writeFileSpy.mock.calls.map(([path]) => path));

    expect(logs).toContain('nx-slurm: code unchanged on fake: no bundle uploaded');
    expect(logs.filter((l) => l.includes('uploaded'))).toEqual([
      'nx-slurm: code unchanged on fake: no bundle uploaded',
    ]);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/\/incoming\/run-exp-\d{8}-\d{6}-[0-9a-f]{4}\.tar\.gz$/);
    // every byte sent is the run folder's tarball: fewer than the project bundle alone
    const sent = writeFileSpy.mock.calls.reduce((sum, [, data]) => sum + Buffer.from(data).length, 0);
    expect(transport.stats().bytesSent).toBe(sent);
    expect(sent).toBeLessThan(first.sweep.project.bytes);
  });

  it('a library edit uploads only that library and reruns every index', async () => {
    const first = await launch(request());
    await writeFile(join(workspace, LIBRARY, 'metrics.py'), 'def score():\n    return 2\n');
    const second = await launch(request());
    expect(second.sweep.project.sha256).toBe(first.sweep.project.sha256);
    expect(second.sweep.libraries[0].bundle.sha256).not.toBe(first.sweep.libraries[0].bundle.sha256);
    expect(second.logs.filter((l) => l.startsWith('nx-slurm: uploaded'))).toEqual([
      expect.stringMatching(/^nx-slurm: uploaded library metrics bundle /),
    ]);
    expect(fake.submits.map((s) => s.taskIds)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(second.results.every((r) => !r.fromLedger)).toBe(true);
    expect(await readdir(join(root, 'bundles'))).toHaveLength(3);
  });

  it('editing slurm.json alone does not rerun indices whose arguments did not change', async () => {
    await launch(request());
    await writeFile(
      join(workspace, PROJECT, 'slurm.json'),
      '{"command": "python3 train.py", "args": ["--lr 0.1", "--lr 0.4"]}\n',
    );
    const second = await launch(request({ args: ['--lr 0.1', '--lr 0.2', '--lr 0.3', '--lr 0.4'] }));
    expect(second.results.filter((r) => r.fromLedger).map((r) => r.index)).toEqual([0, 1, 2]);
    expect(fake.submits.map((s) => s.taskIds)).toEqual([[0, 1, 2], [3]]);
  });
});

describe('launchSweep: a remote script that fails', () => {
  it('stops with the RemoteScriptError of the run folder it could not create', async () => {
    // a file where the job's runs/ folder belongs: create-run's mkdir -p fails
    await mkdir(join(root, 'runs'));
    await writeFile(join(root, 'runs', JOB), 'not a folder');

    const error = await launch(request()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RemoteScriptError);
    expect(error).toMatchObject({ script: 'create-run', target: 'localhost', code: 1 });
    expect(fake.submits).toEqual([]);
  });

  it("goes on when the job cannot be recorded in the run's jobs file, saying the ledger has it", async () => {
    // a folder where the jobs file belongs: record-job's append fails
    fake.onSubmit = async (req) => {
      await mkdir(join(req.runDir, 'jobs'));
    };

    const { results, logs } = await launch(request());

    expect(results.map((r) => r.state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^exp: could not record job 100 in .*\/jobs \(.*Is a directory\); this workspace's ledger still has it$/,
      ),
    );
    expect((await readLedger()).entries).not.toEqual({});
  });
});

describe('launchSweep: retries of transient failures', () => {
  it('resubmits an index lost to NODE_FAIL in the same run folder, up to `retries` times', async () => {
    fake.script = { 1: ['RUNNING', 'NODE_FAIL', 'NODE_FAIL', 'RUNNING', { state: 'COMPLETED', exitCode: 0 }] };
    const { results, logs, sweep } = await launch(request({ retries: 2 }));
    const runDir = fake.submits[0].runDir;
    expect(fake.submits.map((s) => [s.runDir, s.taskIds, s.offset])).toEqual([
      [runDir, [0, 1, 2], 0],
      [runDir, [1], 0],
      [runDir, [1], 0],
    ]);
    expect(logs).toContain('exp/1: NODE_FAIL, resubmitted as job 101 (attempt 2)');
    expect(logs).toContain('exp/1: NODE_FAIL, resubmitted as job 102 (attempt 3)');
    expect(byIndex(results).get(1)).toMatchObject({ state: 'COMPLETED', jobId: '102', taskId: 1, runDir, runIndex: 1 });
    expect(results).toHaveLength(3);
    // polls after a retry ask about the new job for that element
    expect(fake.polls.at(-1)).toEqual([{ jobId: '102', offset: 0, taskIds: [1] }]);
    const entry = (await readLedger()).entries[sweep.items[1].fingerprint];
    expect(entry).toMatchObject({ state: 'COMPLETED', attempts: 3, jobId: '102', runDir });
  });

  it('with retries: 0 a NODE_FAIL is a final failure', async () => {
    fake.script = { 1: ['RUNNING', 'NODE_FAIL'] };
    const { results, logs } = await launch(request({ retries: 0 }));
    expect(fake.submits).toHaveLength(1);
    expect(byIndex(results).get(1)).toMatchObject({ state: 'NODE_FAIL', jobId: '100' });
    expect(logs.some((l) => l.includes('resubmitted'))).toBe(false);
    expect(progressLines(logs).at(-1)).toBe('exp: 2/3 done, 0 running, 0 pending, 1 failed');
  });

  it('gives up on PREEMPTED once the retries are spent, and resubmits BOOT_FAIL too', async () => {
    fake.script = { 0: ['PREEMPTED'], 2: ['BOOT_FAIL', 'COMPLETED'] };
    const { results, sweep } = await launch(request({ retries: 1 }));
    expect(fake.submits.map((s) => s.taskIds)).toEqual([
      [0, 1, 2],
      [0, 2],
    ]);
    expect(byIndex(results).get(0)).toMatchObject({ state: 'PREEMPTED', jobId: '101' });
    expect(byIndex(results).get(2)).toMatchObject({ state: 'COMPLETED', jobId: '101' });
    const ledger = await readLedger();
    expect(ledger.entries[sweep.items[0].fingerprint]).toMatchObject({ state: 'PREEMPTED', attempts: 2 });
  });

  it('a retried element reads the exit marker of its new attempt, not the exit code of the attempt NODE_FAIL lost', async () => {
    fake.script = { 0: [{ state: 'NODE_FAIL', exitCode: 0 }, 'FAILED'] };
    fake.onSubmit = async (req) => {
      if (fake.submits.length === 2) await finishTask(req.runDir, 0, 5);
    };
    const { results } = await launch(request({ retries: 1, args: ['--lr 0.1'] }));
    expect(results[0]).toMatchObject({ state: 'FAILED', exitCode: 5 });
  });

  it('a retried element does not keep the signal of the attempt NODE_FAIL lost', async () => {
    fake.script = {
      0: [
        { state: 'NODE_FAIL', exitCode: 0, signal: 9 },
        { state: 'FAILED', exitCode: 1 },
      ],
    };
    const { results } = await launch(request({ retries: 1, args: ['--lr 0.1'] }));
    expect(results[0]).toMatchObject({ state: 'FAILED', exitCode: 1 });
    expect(results[0].signal).toBeUndefined();
  });
});

describe("launchSweep: exit codes from the job's exit marker", () => {
  it('reads the exit code from exit/<i> when the scheduler reports FAILED without one', async () => {
    fake.script = { 0: ['FAILED'], 1: ['COMPLETED'], 2: ['COMPLETED'] };
    fake.onSubmit = async (req) => {
      await finishTask(req.runDir, 0, 7, { err: 'oops\n' });
      await finishTask(req.runDir, 1, 0);
    };
    const { results } = await launch(request());
    expect(byIndex(results).get(0)).toMatchObject({ state: 'FAILED', exitCode: 7, stderrTail: 'oops\n' });
    expect(byIndex(results).get(1)).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    // no marker and no exit code from the scheduler: unknown, not invented
    expect(byIndex(results).get(2)!.exitCode).toBeUndefined();
  });

  it("keeps the scheduler's exit code when it has one", async () => {
    fake.script = { 0: [{ state: 'FAILED', exitCode: 4 }] };
    fake.onSubmit = (req) => finishTask(req.runDir, 0, 9);
    const { results } = await launch(request({ args: ['--lr 0.1'] }));
    expect(results[0]).toMatchObject({ state: 'FAILED', exitCode: 4 });
  });

  it('records in the ledger the exit code read from the marker when the element was the last to finish', async () => {
    fake.script = { 0: ['FAILED'] };
    fake.onSubmit = (req) => finishTask(req.runDir, 0, 7);
    const { sweep } = await launch(request({ args: ['--lr 0.1'] }));
    expect((await readLedger()).entries[sweep.items[0].fingerprint]).toMatchObject({ state: 'FAILED', exitCode: 7 });
  });

  describe('elements no source lists any more (MISSING_GRACE_MS = 60 s)', () => {
    it('settles them from their exit marker after the grace period: 0 -> COMPLETED, 4 -> FAILED, none -> CANCELLED', async () => {
      // Date.now() only is moved on (61 s per poll); the loop's real timers and child processes run as usual
      let skewMs = 0;
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs);
      fake.onPoll = () => {
        skewMs += 61_000;
      };
      fake.script = { 0: ['RUNNING', 'GONE'], 1: ['GONE'], 2: ['GONE'] };
      fake.onSubmit = async (req) => {
        await finishTask(req.runDir, 0, 0);
        await finishTask(req.runDir, 2, 4);
      };
      const { results, logs } = await launch(request());
      expect(byIndex(results).get(0)).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
      expect(byIndex(results).get(1)).toMatchObject({ state: 'CANCELLED' });
      expect(byIndex(results).get(1)!.exitCode).toBeUndefined();
      expect(byIndex(results).get(2)).toMatchObject({ state: 'FAILED', exitCode: 4 });
      // a first miss is only noted: nothing was settled on the poll that first missed them
      expect(fake.polls.length).toBeGreaterThanOrEqual(3);
      expect(progressLines(logs).at(-1)).toBe('exp: 1/3 done, 0 running, 0 pending, 2 failed');
    });

    it('does not settle an element missing for less than the grace period', async () => {
      let skewMs = 0;
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs);
      fake.onPoll = () => {
        skewMs += 20_000; // three misses = 40 s < 60 s
      };
      fake.script = { 0: ['GONE', 'GONE', 'GONE', 'COMPLETED'] };
      const { results } = await launch(request({ args: ['--lr 0.1'] }));
      expect(results).toEqual([expect.objectContaining({ index: 0, state: 'COMPLETED' })]);
      expect(fake.polls).toHaveLength(4);
    });
  });
});

describe('launchSweep: replicates (the same arguments listed several times)', () => {
  const replicates = ['--lr 0.1', '--lr 0.1', '--lr 0.2'];

  it('runs each replicate as its own element, with its own fingerprint and ledger entry', async () => {
    const { results, sweep } = await launch(request({ args: replicates }));
    expect(sweep.items.map((i) => i.occurrence)).toEqual([0, 1, 0]);
    expect(new Set(sweep.items.map((i) => i.fingerprint)).size).toBe(3);
    expect(fake.submits.map((s) => s.taskIds)).toEqual([[0, 1, 2]]);
    expect(results.map((r) => `${r.index}:${r.jobId}_${r.taskId}`).sort()).toEqual(['0:100_0', '1:100_1', '2:100_2']);
    expect(Object.keys((await readLedger()).entries)).toHaveLength(3);
  });

  it('runs only the new replicate when one more is listed', async () => {
    await launch(request({ args: replicates }));
    const mark = fake.mark();
    const { results } = await launch(request({ args: [...replicates, '--lr 0.1'] }));
    expect(fake.since(mark).submits.map((s) => s.taskIds)).toEqual([[3]]);
    expect(
      results
        .filter((r) => r.fromLedger)
        .map((r) => r.index)
        .sort(),
    ).toEqual([0, 1, 2]);
  });
});
