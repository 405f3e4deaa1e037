import { randomBytes } from 'node:crypto';
import { createTarballFromEntries, type Bundle } from '../bundle';
import type { ArrayJob, SubmitRequest } from '../scheduler';
import { chunkForArraySize, compressIndices, encodeArgv, encodeEnv, renderJobScript, SlurmError } from '../slurm';
import { RemoteScriptError, runRemoteScript } from '../transport';
import { launchArgs, launchStdin, parseProbe, parseSubmitted, type LaunchProbe } from './launch-script';
import type { SweepIndex } from './plan';
import type { PreparedSweep } from './prepare';
import { newRunId, RemoteLayout } from './remote-layout';
import { LAUNCH, RECORD_JOB } from './remote-scripts';
import type { Session } from './session';
import { markPhase } from './timeline';

/** A run folder created on the cluster. */
export interface StagedRun {
  runId: string;
  runDir: string;
}

type Log = (line: string) => void;

interface NamedBundle {
  /** `project` or `library <name>`, for messages. */
  label: string;
  bundle: Bundle;
}

/**
 * One launch's remote command (LAUNCH), started as soon as the session is open: while the
 * cluster answers which bundles it has, the launcher settles what to submit; then `submit`
 * streams the missing bundles and the run folder into the same command, which installs them
 * and runs sbatch. A launch thus waits on the cluster once, whatever it ships.
 */
export class RunStaging {
  /** What the cluster said before anything was sent. */
  readonly probe: Promise<LaunchProbe>;
  private readonly done: Promise<string>;
  private sendPayload: (payload: Buffer[] | undefined) => void = () => {};
  private readonly limitsCommand;
  private readonly bundles: NamedBundle[];

  private constructor(
    private readonly sweep: PreparedSweep,
    private readonly session: Session,
    private readonly log: Log,
  ) {
    this.limitsCommand = session.scheduler.limitsCommand();
    const named = [
      { label: 'project', bundle: sweep.project },
      ...sweep.libraries.map((l) => ({ label: `library ${l.name}`, bundle: l.bundle })),
    ];
    this.bundles = [...new Map(named.map((b) => [b.bundle.sha256, b])).values()];
    const payload = new Promise<Buffer[] | undefined>((resolve) => (this.sendPayload = resolve));
    let stdout = '';
    let heard: (probe: LaunchProbe) => void = () => {};
    const probed = new Promise<LaunchProbe>((resolve) => (heard = resolve));
    const args = launchArgs(
      session.remoteRoot,
      sweep.request.jobName,
      this.limitsCommand?.argv ?? [],
      this.bundles.map((b) => b.bundle.sha256),
    );
    this.done = runRemoteScript(session.transport, LAUNCH, args, {
      stdin: (async function* () {
        yield* (await payload) ?? [];
      })(),
      onStdout: (chunk) => {
        stdout += chunk.toString('utf8');
        const probe = parseProbe(stdout, this.limitsCommand !== undefined);
        if (probe) heard(probe);
      },
    });
    // a command that ends before its probe (a remote root it cannot create, a dropped connection) says why
    this.probe = Promise.race([probed, this.done.then(() => probed)]);
    this.probe.then(() => markPhase('cluster probed')).catch(() => undefined);
  }

  static start(sweep: PreparedSweep, session: Session, log: Log): RunStaging {
    return new RunStaging(sweep, session, log);
  }

  /** Ends the command without creating anything (nothing is left to submit after all). */
  async abandon(): Promise<void> {
    this.sendPayload(undefined);
    await this.done.catch(() => undefined);
  }

  /**
   * Installs what the cluster lacks, creates the run folder of these indices and submits it;
   * `submitted` hears of each array at once (past MaxArraySize there are several).
   */
  async submit(
    items: readonly SweepIndex[],
    submitted: (run: StagedRun, job: ArrayJob) => Promise<void>,
  ): Promise<void> {
    const { sweep, session } = this;
    const probe = await this.probe;
    const { maxArraySize } = this.limitsCommand
      ? this.limitsCommand.read({ stdout: probe.limits?.stdout ?? '', stderr: '', code: probe.limits?.code ?? 1 })
      : await session.scheduler.limits();
    if (this.limitsCommand) await session.facts.save({ maxArraySize });

    const uploads = this.claimUploads(probe);
    await Promise.allSettled(uploads.others);
    const layout = new RemoteLayout(probe.root);
    const runId = newRunId(new Date(), randomBytes(2).toString('hex'));
    const runDir = layout.run(sweep.request.jobName, runId);
    const [first, ...more] = chunkForArraySize(
      items.map((i) => i.index),
      maxArraySize,
    );
    const submitCommand = session.scheduler.submitCommand(submitRequest(sweep, runDir, first));
    const runFolder = runFolderEntries(sweep, session, layout, runId, items);
    this.sendPayload(
      launchStdin({
        uploads: await Promise.all(
          uploads.mine.map(async (b) => ({ sha256: b.bundle.sha256, data: await b.bundle.data() })),
        ),
        runDir,
        runTarball: (await createTarballFromEntries(runFolder.files, runFolder.dirs)).data,
        offset: first.offset,
        arraySpec: compressIndices(first.taskIds),
        submitArgv: submitCommand?.argv ?? [],
      }),
    );
    const printed = await this.done.finally(() => uploads.settle());
    markPhase('bundles and run folder staged');
    this.reportUploads(uploads.mine, uploads.others.length);

    const run = { runId, runDir };
    const staged = parseSubmitted(printed);
    const again = () => submitAndRecord(sweep, session, runDir, first, this.log);
    const job =
      submitCommand && staged
        ? await readSubmitted(sweep, session, () => submitCommand.read(staged), again)
        : await again();
    await submitted(run, job);
    for (const chunk of more) await submitted(run, await submitAndRecord(sweep, session, runDir, chunk, this.log));
  }

  /**
   * The bundles this launch uploads: those the cluster lacks and no other launch of the session
   * is already uploading; those others' installs are waited for. Claims are taken at once when
   * the probe arrives, so a launch only ever waits for one that claimed before it.
   */
  private claimUploads(probe: LaunchProbe) {
    const { installedBundles } = this.session;
    let settle: () => void = () => {};
    const installed = new Promise<void>((resolve) => (settle = resolve));
    const mine: NamedBundle[] = [];
    const others: Promise<void>[] = [];
    for (const b of this.bundles) {
      const sha = b.bundle.sha256;
      const claimed = installedBundles.get(sha);
      if (probe.present.has(sha)) installedBundles.set(sha, claimed ?? Promise.resolve());
      else if (claimed) others.push(claimed);
      else {
        mine.push(b);
        installedBundles.set(sha, installed);
      }
    }
    return { mine, others, settle };
  }

  private reportUploads(uploaded: NamedBundle[], waitedFor: number): void {
    const { cluster } = this.session;
    for (const { label, bundle } of uploaded)
      this.log(
        `nx-slurm: uploaded ${label} bundle ${bundle.sha256.slice(0, 12)} (${bundle.bytes} bytes) to ${cluster.name}`,
      );
    if (uploaded.length === 0 && waitedFor === 0)
      this.log(`nx-slurm: code unchanged on ${cluster.name}: no bundle uploaded`);
  }
}

function submitRequest(
  sweep: PreparedSweep,
  runDir: string,
  chunk: { offset: number; taskIds: number[] },
): SubmitRequest {
  return {
    runDir,
    ...chunk,
    maxConcurrent: sweep.request.maxConcurrent,
    timeLimitSeconds: sweep.timeLimitSeconds,
  };
}

/**
 * The job the staging command's sbatch started; when sbatch said Slurm may take it later (busy
 * controller, submit limits), submit() again, with its back-off.
 */
async function readSubmitted(
  sweep: PreparedSweep,
  session: Session,
  read: () => ArrayJob,
  again: () => Promise<ArrayJob>,
): Promise<ArrayJob> {
  try {
    const job = read();
    // LAUNCH recorded it in the run's jobs file
    markPhase('job recorded');
    return job;
  } catch (error) {
    if (error instanceof SlurmError && error.retryable) return again();
    throw refusal(sweep, session, error as Error);
  }
}

/**
 * One submission of some elements of a run folder, recorded in the run's `jobs` file so that
 * another clone of the workspace can attach to it.
 */
export async function submitAndRecord(
  sweep: PreparedSweep,
  session: Session,
  runDir: string,
  chunk: { offset: number; taskIds: number[] },
  log: Log,
): Promise<ArrayJob> {
  const job = await session.scheduler.submit(submitRequest(sweep, runDir, chunk)).catch((error: Error) => {
    throw refusal(sweep, session, error);
  });
  markPhase('sbatch returned');
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
  markPhase('job recorded');
  return job;
}

function refusal(sweep: PreparedSweep, session: Session, error: Error): Error {
  return new Error(
    `${session.cluster.name} refused the array: ${error.message}\n` +
      `Requested per index: ${JSON.stringify(sweep.request.resources)}. Adjust "resources" in slurm.json or in the cluster profile; ` +
      `\`sinfo -o "%P %c %m %l"\` on the cluster lists what each partition offers (CPUs, memory in MB, time limit).`,
  );
}

function runFolderEntries(
  sweep: PreparedSweep,
  session: Session,
  layout: RemoteLayout,
  runId: string,
  items: readonly SweepIndex[],
) {
  const { request } = sweep;
  const script = renderJobScript({
    jobName: request.jobName,
    runDir: layout.run(request.jobName, runId),
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
      { path: 'env.bin', data: encodeEnv(request.env) },
      { path: 'meta.json', data: JSON.stringify(meta, null, 2) },
      ...items.map((i) => ({ path: `args/${i.index}`, data: encodeArgv([...request.command, ...i.argv]) })),
    ],
    dirs: ['logs', 'exit', 'out', ...items.map((i) => `out/${i.index}`)],
  };
}
