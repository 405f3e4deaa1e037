import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { createTarballFromEntries } from '../bundle';
import {
  chunkForArraySize,
  compressIndices,
  encodeArgv,
  encodeEnv,
  isFinal,
  isTransient,
  neverStartsBecause,
  renderJobScript,
  type ElementStatus,
  type SlurmState,
} from '../slurm';
import { RemoteScriptError, runRemoteScript } from '../transport';
import {
  endedWithoutRecord,
  jobsOf,
  neverStarted,
  resubmitted,
  withExitCode,
  withStatus,
  type LedgerEntry,
} from './ledger';
import { planLaunch, type LaunchPlan, type SweepIndex } from './plan';
import { recoverIfEmpty } from './recover';
import type { PreparedSweep } from './prepare';
import { newRunId, runFiles } from './remote-layout';
import { CREATE_RUN, RECORD_JOB, TAILS, parseTails } from './remote-scripts';
import { ensureBundles } from './ship';
import { consumedUploads, uploadFile } from './upload';
import { countStates, formatDuration, pendingReasons, progressLine, type IndexResult } from './report';
import type { Session } from './session';

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
 * others as the scheduler reports them; returns the plan it followed (the prepared one, or the
 * one made from the run folders on the cluster when the workspace had no ledger). Opens the
 * session only when something must run or be watched, so a fully completed sweep costs no connection.
 */
export async function* launchSweep(
  sweep: PreparedSweep,
  openSession: () => Promise<Session>,
  options: LaunchOptions,
): AsyncGenerator<IndexResult, LaunchPlan> {
  const { request } = sweep;
  let plan = sweep.plan;
  for (const { item, entry } of plan.done) yield resultOf(item, entry, true);
  if (plan.attach.length === 0 && plan.submit.length === 0) return plan;

  const session = await openSession();
  const recovered = request.force ? undefined : await recoverIfEmpty(sweep, session, options.log);
  if (recovered) {
    plan = planLaunch(sweep.items, recovered, false);
    for (const { item, entry } of plan.done) yield resultOf(item, entry, true);
  }
  const tracked: Tracked[] = plan.attach.map(({ item, entry }) => ({ item, entry }));
  if (plan.attach.length > 0) {
    options.log(`${request.jobName}: attaching to ${plan.attach.length} index(es) still queued or running`);
    for (const { entry } of plan.attach) session.jobs.add(entry.jobId);
  }
  if (plan.submit.length > 0) tracked.push(...(await submitRun(sweep, session, plan.submit, options)));
  if (options.wait) yield* watch(sweep, session, tracked, options);
  return plan;
}

/** The watch's own record of one element: `entry` is replaced by each change, then saved. */
interface Tracked {
  item: SweepIndex;
  entry: LedgerEntry;
  missingSince?: number;
}

async function submitRun(
  sweep: PreparedSweep,
  session: Session,
  items: readonly SweepIndex[],
  options: LaunchOptions,
): Promise<Tracked[]> {
  const { request } = sweep;
  const { transport, layout } = session;
  // said where the bundles ship: what was left out of them, or that one is empty
  sweep.notices.forEach(options.log);
  await ensureBundles(
    session,
    [
      { label: 'project', bundle: sweep.project },
      ...sweep.libraries.map((l) => ({ label: `library ${l.name}`, bundle: l.bundle })),
    ],
    options.log,
  );
  const runId = newRunId(new Date(), randomBytes(2).toString('hex'));
  const runDir = layout.run(request.jobName, runId);
  const runTarball = posix.join(layout.incomingDir, `run-${request.jobName}-${runId}.tar.gz`);
  const runFolder = runFolderEntries(sweep, session, runDir, runId, items);
  await uploadFile(session, runTarball, (await createTarballFromEntries(runFolder.files, runFolder.dirs)).data);
  await runRemoteScript(transport, CREATE_RUN, [runDir, runTarball]).finally(() =>
    consumedUploads(session, [runTarball]),
  );

  const { maxArraySize } = await session.scheduler.limits();
  const itemByIndex = new Map(items.map((item) => [item.index, item]));
  const tracked: Tracked[] = [];
  for (const chunk of chunkForArraySize(
    items.map((i) => i.index),
    maxArraySize,
  )) {
    const job = await submitArray(sweep, session, runDir, chunk, options.log);
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
    options.log(
      `${request.jobName}: submitted job ${job.jobId} (${chunk.taskIds.length} index(es)) on ${session.cluster.name}, run ${runDir}`,
    );
  }
  return tracked;
}

/**
 * One sbatch (or local submission) of some elements of a run folder, recorded in the run's
 * `jobs` file so that another clone of the workspace can attach to it.
 */
async function submitArray(
  sweep: PreparedSweep,
  session: Session,
  runDir: string,
  chunk: { offset: number; taskIds: number[] },
  log: LaunchOptions['log'],
) {
  const job = await session.scheduler
    .submit({
      runDir,
      ...chunk,
      maxConcurrent: sweep.request.maxConcurrent,
      timeLimitSeconds: sweep.timeLimitSeconds,
    })
    .catch((error: Error) => {
      throw new Error(
        `${session.cluster.name} refused the array: ${error.message}\n` +
          `Requested per index: ${JSON.stringify(sweep.request.resources)}. Adjust "resources" in slurm.json or in the cluster profile; ` +
          `\`sinfo -o "%P %c %m %l"\` on the cluster lists what each partition offers (CPUs, memory in MB, time limit).`,
      );
    });
  session.jobs.add(job.jobId);
  await runRemoteScript(session.transport, RECORD_JOB, [
    runDir,
    job.jobId,
    String(chunk.offset),
    compressIndices(chunk.taskIds),
  ]).catch((error: unknown) => {
    // only other clones read the jobs file: this workspace's ledger has the job, so the launch goes on
    if (!(error instanceof RemoteScriptError)) throw error;
    log(
      `${sweep.request.jobName}: could not record job ${job.jobId} in ${runDir}/jobs (${error.stderr.trim()}); this workspace's ledger still has it`,
    );
  });
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
  return {
    files: [
      { path: 'job.sbatch', data: script, mode: 0o755 },
      // env values may be tokens: readable by the user alone on a shared cluster
      { path: 'env.bin', data: encodeEnv(request.env), private: true },
      { path: 'meta.json', data: JSON.stringify(meta, null, 2) },
      ...items.map((i) => ({ path: `args/${i.index}`, data: encodeArgv([...request.command, ...i.argv]) })),
    ],
    dirs: ['logs', 'exit', 'out', ...items.map((i) => `out/${i.index}`)],
  };
}

async function* watch(
  sweep: PreparedSweep,
  session: Session,
  tracked: Tracked[],
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
    const statuses = new Map(
      (await scheduler.poll(jobsOf(open.map((t) => t.entry)))).map((s) => [elementKey(s.jobId, s.taskId), s]),
    );
    let changed = false;
    for (const t of open)
      changed = (await observe(t, statuses.get(elementKey(t.entry.jobId, t.entry.taskId)), transport)) || changed;
    const hopeless = open.filter((t) => t.entry.state === 'PENDING' && neverStartsBecause(t.entry.reason));
    if (hopeless.length > 0) await giveUp(session, hopeless, options);

    const retry = open.filter((t) => isTransient(t.entry.state) && t.entry.attempts <= retries);
    if (retry.length > 0) await resubmit(sweep, session, retry, options);
    // after resubmit() the retried elements are PENDING again
    const finished = open.filter((t) => isFinal(t.entry.state));
    open = open.filter((t) => !isFinal(t.entry.state));
    const endings = finished.length > 0 ? await fetchEndings(transport, finished) : [];
    // after fetchEndings: exit codes read from the markers belong in the ledger too
    if (changed || retry.length > 0 || hopeless.length > 0) await sweep.ledgerFile.save(tracked.map((t) => t.entry));
    for (const [k, t] of finished.entries()) {
      settled.push(t.entry.state);
      yield { ...resultOf(t.item, t.entry, false), ...endings[k] };
    }
    const line = progressLine(
      jobName,
      countStates([...settled, ...open.map((t) => t.entry.state)]),
      pendingReasons(open.map((t) => t.entry)),
    );
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
 * Cancels elements that Slurm accepted but can never start (PartitionConfig: more CPUs than a
 * node has), which would otherwise wait forever, and fails them with Slurm's reason.
 */
async function giveUp(session: Session, hopeless: Tracked[], options: LaunchOptions): Promise<void> {
  const entries = hopeless.map((t) => t.entry);
  await session.scheduler
    .cancel(
      jobsOf(entries),
      entries.map(({ jobId, taskId }) => ({ jobId, taskId })),
    )
    .catch((error: Error) =>
      options.log(
        `nx-slurm: could not cancel ${entries.map((e) => `${e.jobId}_${e.taskId}`).join(', ')}, which can never start (${error.message}); cancel them with slurm-cancel`,
      ),
    );
  for (const t of hopeless) t.entry = neverStarted(t.entry);
}

async function resubmit(
  sweep: PreparedSweep,
  session: Session,
  retry: Tracked[],
  options: LaunchOptions,
): Promise<void> {
  const byRun = groupBy(retry, (t) => `${t.entry.runDir}\0${t.entry.offset}`);
  for (const group of byRun.values()) {
    const { runDir, offset } = group[0].entry;
    const job = await submitArray(
      sweep,
      session,
      runDir,
      { offset, taskIds: group.map((t) => t.entry.taskId) },
      options.log,
    );
    for (const t of group) {
      options.log(
        `${sweep.request.jobName}/${t.entry.runIndex}: ${t.entry.state}, resubmitted as job ${job.jobId} (attempt ${t.entry.attempts + 1})`,
      );
      t.entry = resubmitted(t.entry, job.jobId);
    }
  }
}

/**
 * One command for the log tails of everything that just finished, and their exit markers: squeue
 * often reports an element final before sacct has its exit code, and the job's marker has it.
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
  const printed = await runRemoteScript(transport, TAILS, [
    String(TAIL_BYTES),
    ...files.flatMap((f) => Object.values(f)),
  ]).catch((error: unknown) => {
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

export function resultOf(item: SweepIndex, entry: LedgerEntry, fromLedger: boolean): IndexResult {
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
    reason: entry.reason,
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
