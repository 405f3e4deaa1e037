import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { createTarballFromEntries } from '../bundle';
import {
  ARGUMENT_FILES,
  chunkForArraySize,
  compressIndices,
  encodeArgumentTable,
  encodeEnv,
  isFinal,
  isTransient,
  renderJobScript,
  splitLongArray,
  type ElementStatus,
  type SlurmState,
} from '../slurm';
import type { ArrayJob } from '../scheduler';
import { RemoteScriptError, runRemoteScript } from '../transport';
import { faultHandling, GaveUpError, type FaultHandling } from './faults';
import { takeLaunchLock, type HeldLock } from './launch-lock';
import {
  endedWithoutRecord,
  jobsOf,
  resubmitted,
  withEntries,
  withExitCode,
  withStatus,
  type LedgerEntry,
} from './ledger';
import { planLaunch, type LaunchPlan, type ListedIndex, type SweepIndex } from './plan';
import { newerThanLedger, parseRecoveredRuns, recoverIfEmpty } from './recover';
import { refreshUnfinished } from './refresh';
import type { PreparedSweep } from './prepare';
import { newRunId, runFiles } from './remote-layout';
import { CREATE_RUN, RECORD_JOB, RECOVER_RUNS, TAILS, parseTails, tailsInput } from './remote-scripts';
import { ensureBundles } from './ship';
import { countStates, formatDuration, progressLine, type IndexResult } from './report';
import type { Session } from './session';
import { submitOnce } from './submit-once';
import { markPhase } from './timeline';

export interface LaunchOptions {
  /** Wait for every index to end (false: submit or attach, then return). */
  wait: boolean;
  /** Progress and notices, one line each. */
  log: (line: string) => void;
}

/** An element nobody lists any more (cancelled while pending, or aged out of every source). */
const MISSING_GRACE_MS = 60_000;
const TAIL_BYTES = 2000;
/** The progress line is repeated this often when nothing changes. */
const HEARTBEAT_MS = 60_000;

/**
 * bundle -> upload -> submit -> watch -> results, for one prepared sweep. Yields each requested
 * index's result as it becomes final: first those the ledger already knows completed, then the
 * others as the scheduler reports them; returns the plan it followed. That plan starts from the
 * cluster, not from a stale ledger: what the ledger says is queued or running is asked again,
 * and under the sweep's launch lock the run folders show what another launch (another clone,
 * another process) submitted meanwhile, so it is attached to rather than submitted twice.
 * Every remote step is retried under the cluster's patience. Opens the session only when
 * something must run or be watched, so a fully completed sweep costs no connection.
 */
export async function* launchSweep(
  sweep: PreparedSweep,
  openSession: () => Promise<Session>,
  options: LaunchOptions,
): AsyncGenerator<IndexResult, LaunchPlan> {
  const { request } = sweep;
  let ledger = sweep.ledger;
  let plan = sweep.plan;
  const reported = new Set<number>();
  /** The indices the latest plan found done that were not reported yet. */
  const newlyDone = () => {
    const fresh = plan.done.filter(({ item }) => !reported.has(item.index));
    for (const { item } of fresh) reported.add(item.index);
    return fresh.map(({ item, entry }) => resultOf(item, entry, true));
  };
  yield* newlyDone();
  if (plan.attach.length === 0 && plan.submit.length === 0) return plan;

  const session = await openSession();
  const tracked: Tracked[] = [];
  const faults = faultHandling(
    session.cluster,
    request.jobName,
    () => [...new Set(tracked.map((t) => t.entry.jobId))],
    options.log,
  );
  /** Records what the cluster said, and plans again from it. */
  const replan = async (learnt: readonly LedgerEntry[]) => {
    if (learnt.length > 0) await sweep.ledgerFile.save(learnt);
    ledger = withEntries(ledger, learnt);
    plan = planLaunch(sweep.items, ledger, request.force ?? false);
  };
  const recovered = request.force ? undefined : await faults.retry(() => recoverIfEmpty(sweep, session, options.log));
  if (recovered) {
    ledger = recovered;
    plan = planLaunch(sweep.items, ledger, false);
  }
  // the ledger is a cache: what it says is queued or running is asked again before it is trusted
  await replan(
    await refreshUnfinished(
      session,
      plan.attach.map((a) => a.entry),
      faults,
    ),
  );
  yield* newlyDone();
  if (plan.submit.length > 0) {
    await shipBundles(sweep, session, faults, options.log);
    const lock = await takeLaunchLock(session, session.layout.launchLock(request.jobName), {
      ...faults.patience,
      scope: faults.scope,
      then: ['bash', '-c', RECOVER_RUNS.body, 'nx-slurm', session.layout.jobRuns(request.jobName)],
    });
    try {
      if (!request.force) {
        const news = newerThanLedger(ledger, parseRecoveredRuns(lock.output));
        await replan([...news, ...(await refreshUnfinished(session, news, faults))]);
        yield* newlyDone();
      }
      if (plan.submit.length > 0) tracked.push(...(await submitRun(sweep, session, plan.submit, faults, lock)));
    } finally {
      await lock.release();
    }
  }
  if (plan.attach.length > 0) {
    options.log(`${request.jobName}: attaching to ${plan.attach.length} index(es) still queued or running`);
    tracked.push(...plan.attach.map(({ item, entry }) => ({ item, entry })));
  }
  if (options.wait) yield* watch(sweep, session, tracked, faults, options);
  return plan;
}

/** The watch's own record of one element: `entry` is replaced by each change, then saved. */
interface Tracked {
  item: SweepIndex;
  entry: LedgerEntry;
  missingSince?: number;
}

/** Every bundle the sweep needs installed on the cluster (an upload is safe to try again). */
function shipBundles(sweep: PreparedSweep, session: Session, faults: FaultHandling, log: LaunchOptions['log']) {
  const bundles = [
    { label: 'project', bundle: sweep.project },
    ...sweep.libraries.map((l) => ({ label: `library ${l.name}`, bundle: l.bundle })),
  ];
  return faults.retry(() => ensureBundles(session, bundles, log));
}

async function submitRun(
  sweep: PreparedSweep,
  session: Session,
  items: readonly SweepIndex[],
  faults: FaultHandling,
  lock: HeldLock,
): Promise<Tracked[]> {
  const { request } = sweep;
  const { transport, layout } = session;
  const runId = newRunId(new Date(), randomBytes(2).toString('hex'));
  const runDir = layout.run(request.jobName, runId);
  const runTarball = posix.join(layout.incomingDir, `run-${request.jobName}-${runId}.tar.gz`);
  const runFolder = runFolderEntries(sweep, session, runDir, runId, items);
  const tarball = (await createTarballFromEntries(runFolder.files, runFolder.dirs)).data;
  await faults.retry(async () => {
    await transport.writeFile(runTarball, tarball);
    markPhase('run folder uploaded');
    await runRemoteScript(transport, CREATE_RUN, [runDir, runTarball]);
  });
  markPhase('run folder staged');

  const { maxArraySize } = await faults.retry(() => session.scheduler.limits());
  const itemByIndex = new Map(items.map((item) => [item.index, item]));
  const tracked: Tracked[] = [];
  for (const chunk of chunkForArraySize(
    items.map((i) => i.index),
    maxArraySize,
  )) {
    await lock.renew();
    const job = await submitArray(sweep, session, runDir, chunk, faults);
    for (const taskId of chunk.taskIds) {
      const item = itemByIndex.get(taskId + chunk.offset)!;
      const entry: LedgerEntry = {
        fingerprint: item.fingerprint,
        argv: item.argv,
        runId,
        runDir,
        runIndex: item.index,
        occurrence: item.occurrence || undefined,
        jobId: job.jobId,
        taskId,
        offset: chunk.offset,
        state: 'PENDING',
        attempts: 1,
      };
      tracked.push({ item, entry });
    }
    // written at once: a rerun after Ctrl-C attaches to this job instead of submitting again
    await sweep.ledgerFile.save(tracked.map((t) => t.entry));
    faults.patience.log(
      `${request.jobName}: submitted job ${job.jobId} (${chunk.taskIds.length} index(es)) on ${session.cluster.name}, run ${runDir}`,
    );
  }
  return tracked;
}

/**
 * One sbatch (or local submission) of some elements of a run folder, exactly once (submitOnce),
 * recorded in the run's `jobs` file so that another clone of the workspace can attach to it.
 */
async function submitArray(
  sweep: PreparedSweep,
  session: Session,
  runDir: string,
  chunk: { offset: number; taskIds: number[] },
  faults: FaultHandling,
): Promise<ArrayJob> {
  const request = {
    runDir,
    jobName: sweep.request.jobName,
    token: randomBytes(6).toString('hex'),
    ...chunk,
    maxConcurrent: sweep.request.maxConcurrent,
    timeLimitSeconds: sweep.timeLimitSeconds,
  };
  const job = await submitOnce(session.scheduler, request, faults.scope, faults.patience).catch((error: Error) => {
    if (error instanceof GaveUpError) throw error;
    throw new Error(
      `${session.cluster.name} refused the array: ${error.message}\n` +
        `Requested per index: ${JSON.stringify(sweep.request.resources)}. Adjust "resources" in slurm.json or in the cluster profile; ` +
        `\`sinfo -o "%P %c %m %l"\` on the cluster lists what each partition offers (CPUs, memory in MB, time limit).`,
    );
  });
  markPhase('sbatch returned');
  await faults
    .retry(() =>
      runRemoteScript(session.transport, RECORD_JOB, [runDir, job.jobId, String(chunk.offset)], {
        stdin: compressIndices(chunk.taskIds),
      }),
    )
    .catch((error: unknown) => {
      // only other clones read the jobs file: this workspace's ledger has the job, so the launch goes on
      if (!(error instanceof RemoteScriptError)) throw error;
      faults.patience.log(
        `${sweep.request.jobName}: could not record job ${job.jobId} in ${runDir}/jobs (${error.stderr.trim()}); this workspace's ledger still has it`,
      );
    });
  markPhase('job recorded');
  return job;
}

function runFolderEntries(
  sweep: PreparedSweep,
  session: Session,
  runDir: string,
  runId: string,
  items: readonly SweepIndex[],
) {
  const { layout } = session;
  const { request } = sweep;
  const script = renderJobScript({
    jobName: request.jobName,
    runDir,
    sourceDir: layout.bundle(sweep.project.sha256),
    libraryDirs: sweep.libraries.map((l) => layout.bundle(l.bundle.sha256)),
    resources: request.resources,
    setup: request.setup,
  });
  const meta = {
    jobName: request.jobName,
    runId,
    cluster: session.cluster.name,
    createdAt: new Date().toISOString(),
    bundles: {
      project: sweep.project.sha256,
      libraries: Object.fromEntries(sweep.libraries.map((l) => [l.name, l.bundle.sha256])),
    },
    indices: items.map((i) => ({ index: i.index, fingerprint: i.fingerprint, argv: i.argv, occurrence: i.occurrence })),
  };
  const args = encodeArgumentTable(items.map((i) => ({ index: i.index, argv: [...request.command, ...i.argv] })));
  return {
    // a few files whatever the number of indices: each index's job creates its own out/<i>/
    files: [
      { path: 'job.sbatch', data: script, mode: 0o755 },
      { path: 'env.bin', data: encodeEnv(request.env) },
      { path: 'meta.json', data: JSON.stringify(meta, null, 2) },
      { path: ARGUMENT_FILES.words, data: args.words },
      { path: ARGUMENT_FILES.records, data: args.records },
    ],
    dirs: ['logs', 'exit', 'out'],
  };
}

async function* watch(
  sweep: PreparedSweep,
  session: Session,
  tracked: Tracked[],
  faults: FaultHandling,
  options: LaunchOptions,
): AsyncGenerator<IndexResult> {
  const { scheduler, transport } = session;
  const { jobName } = sweep.request;
  const { retries } = sweep.request;
  let open = tracked;
  let interval = scheduler.pollIntervalMs.min;
  let lastProgress = '';
  let lastPrintedAt = 0;
  const startedAt = Date.now();
  const settled: SlurmState[] = [];

  while (open.length > 0) {
    const polled = await faults.retry(() => scheduler.poll(jobsOf(open.map((t) => t.entry))));
    const statuses = new Map(polled.map((s) => [elementKey(s.jobId, s.taskId), s]));
    let changed = false;
    for (const t of open)
      changed = (await observe(t, statuses.get(elementKey(t.entry.jobId, t.entry.taskId)), transport)) || changed;

    const retry = open.filter((t) => isTransient(t.entry.state) && t.entry.attempts <= retries);
    if (retry.length > 0) await resubmit(sweep, session, retry, faults);
    // after resubmit() the retried elements are PENDING again
    const finished = open.filter((t) => isFinal(t.entry.state));
    open = open.filter((t) => !isFinal(t.entry.state));
    const endings = finished.length > 0 ? await faults.retry(() => fetchEndings(transport, finished)) : [];
    // after fetchEndings: exit codes read from the markers belong in the ledger too
    if (changed || retry.length > 0) await sweep.ledgerFile.save(tracked.map((t) => t.entry));
    for (const [k, t] of finished.entries()) {
      settled.push(t.entry.state);
      yield { ...resultOf(t.item, t.entry, false), ...endings[k] };
    }
    const line = progressLine(jobName, countStates([...settled, ...open.map((t) => t.entry.state)]));
    if (line !== lastProgress || Date.now() - lastPrintedAt > HEARTBEAT_MS) {
      // unchanged for long: say so, so a quiet terminal is not mistaken for a hang
      options.log(
        line === lastProgress
          ? `${line} (waiting ${formatDuration(Math.round((Date.now() - startedAt) / 1000))})`
          : line,
      );
      lastPrintedAt = Date.now();
    }
    lastProgress = line;
    if (open.length === 0) break;
    interval = changed
      ? scheduler.pollIntervalMs.min
      : Math.min(scheduler.pollIntervalMs.max, Math.round(interval * 1.5));
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Applies one poll to one element; returns whether anything changed. */
async function observe(
  t: Tracked,
  status: ElementStatus | undefined,
  transport: Session['transport'],
): Promise<boolean> {
  const before = JSON.stringify(t.entry);
  if (status) {
    t.missingSince = undefined;
    t.entry = withStatus(t.entry, status);
  } else {
    t.missingSince ??= Date.now();
    if (Date.now() - t.missingSince > MISSING_GRACE_MS) {
      // the job's own exit marker outlives every scheduler record
      const marker = await transport
        .readFile(runFiles(t.entry.runDir).exitMarker(t.entry.runIndex))
        .catch(() => undefined);
      t.entry = endedWithoutRecord(t.entry, marker ? Number(marker.toString().trim()) : undefined);
    }
  }
  return JSON.stringify(t.entry) !== before;
}

/**
 * Resubmits elements lost to the infrastructure, under the launch lock: another launch following
 * the same job (another clone) may have resubmitted them already, and then its job is followed.
 */
async function resubmit(
  sweep: PreparedSweep,
  session: Session,
  retry: Tracked[],
  faults: FaultHandling,
): Promise<void> {
  const { jobName } = sweep.request;
  const lock = await takeLaunchLock(session, session.layout.launchLock(jobName), {
    ...faults.patience,
    scope: faults.scope,
    then: ['bash', '-c', RECOVER_RUNS.body, 'nx-slurm', session.layout.jobRuns(jobName)],
  });
  try {
    const recorded = new Map(parseRecoveredRuns(lock.output).map((e) => [`${e.runDir}\0${e.runIndex}`, e]));
    const ours: Tracked[] = [];
    for (const t of retry) {
      const latest = recorded.get(`${t.entry.runDir}\0${t.entry.runIndex}`);
      if (!latest || latest.attempts <= t.entry.attempts) {
        ours.push(t);
        continue;
      }
      faults.patience.log(
        `${jobName}/${t.entry.runIndex}: ${t.entry.state}, already resubmitted by another launch as job ${latest.jobId}: following it`,
      );
      t.entry = { ...resubmitted(t.entry, latest.jobId), taskId: latest.taskId, attempts: latest.attempts };
    }
    for (const group of groupBy(ours, (t) => `${t.entry.runDir}\0${t.entry.offset}`).values()) {
      const { runDir, offset } = group[0].entry;
      const byTask = new Map(group.map((t) => [t.entry.taskId, t]));
      for (const chunk of splitLongArray({ offset, taskIds: [...byTask.keys()] })) {
        await lock.renew();
        const job = await submitArray(sweep, session, runDir, chunk, faults);
        for (const taskId of chunk.taskIds) {
          const t = byTask.get(taskId)!;
          faults.patience.log(
            `${jobName}/${t.entry.runIndex}: ${t.entry.state}, resubmitted as job ${job.jobId} (attempt ${t.entry.attempts + 1})`,
          );
          t.entry = resubmitted(t.entry, job.jobId);
        }
      }
    }
  } finally {
    await lock.release();
  }
}

/**
 * One command for the log tails of everything that just finished, and their exit markers: squeue
 * often reports an element final before sacct has its exit code, and the job's marker has it.
 * The paths go on stdin: 10,000 indices cancelled at once make megabytes of them.
 */
async function fetchEndings(transport: Session['transport'], finished: Tracked[]): Promise<Partial<IndexResult>[]> {
  const files = finished.map((t) => {
    const run = runFiles(t.entry.runDir);
    return {
      stdout: run.stdout(t.entry.runIndex),
      stderr: run.stderr(t.entry.runIndex),
      exit: run.exitMarker(t.entry.runIndex),
    };
  });
  const printed = await runRemoteScript(transport, TAILS, [String(TAIL_BYTES)], {
    stdin: tailsInput(files.flatMap((f) => Object.values(f))),
  }).catch((error: unknown) => {
    // the results stand without log tails, and with the exit codes the scheduler reported
    if (!(error instanceof RemoteScriptError)) throw error;
    return '';
  });
  const tails = parseTails(printed);
  return finished.map((t, k) => {
    const marker = tails.get(files[k].exit)?.trim();
    if (t.entry.exitCode === undefined && marker) t.entry = withExitCode(t.entry, Number(marker));
    return {
      stdoutTail: tails.get(files[k].stdout),
      stderrTail: tails.get(files[k].stderr),
      exitCode: t.entry.exitCode,
    };
  });
}

export function resultOf(item: ListedIndex, entry: LedgerEntry, fromLedger: boolean): IndexResult {
  return {
    index: item.index,
    argv: item.argv,
    state: entry.state,
    exitCode: entry.exitCode,
    signal: entry.signal,
    node: entry.node,
    jobId: entry.jobId,
    taskId: entry.taskId,
    runDir: entry.runDir,
    runIndex: entry.runIndex,
    start: entry.start,
    end: entry.end,
    fromLedger,
  };
}

function elementKey(jobId: string, taskId: number): string {
  return `${jobId}_${taskId}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
