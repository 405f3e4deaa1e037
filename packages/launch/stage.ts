import { randomBytes } from 'node:crypto';
import { createTarballFromEntries } from '../bundle';
import type { ArrayJob } from '../scheduler';
import { chunkForArraySize, compressIndices, encodeArgv, encodeEnv, renderJobScript, SlurmError } from '../slurm';
import type { ExecResult } from '../transport';
import { LAUNCH, launchArgs, launchStdin, parseProbe, parseSubmitted, type LaunchProbe } from './launch-script';
import type { SweepIndex } from './plan';
import type { PreparedSweep } from './prepare';
import { newRunId, RemoteLayout } from './remote-layout';
import { RECORD_JOB } from './remote-scripts';
import type { Session } from './session';

/** A run folder created on the cluster. */
export interface StagedRun {
  runId: string;
  runDir: string;
}

type Log = (line: string) => void;

/**
 * One launch's remote command (LAUNCH), started as soon as the session is open: while the
 * cluster answers which bundles it has, the launcher decides what to submit; then `submit`
 * streams the missing bundles and the run folder into the same command, which installs them
 * and runs sbatch. A launch thus waits on the cluster once, whatever it ships.
 */
export class RunStaging {
  /** What the cluster said before anything was sent. */
  readonly probe: Promise<LaunchProbe>;
  private readonly done: Promise<ExecResult>;
  private sendPayload: (payload: Buffer[] | undefined) => void = () => {};
  private readonly limitsCommand;
  private readonly bundles;

  private constructor(
    private readonly sweep: PreparedSweep,
    private readonly session: Session,
    private readonly log: Log,
  ) {
    this.limitsCommand = session.scheduler.limitsCommand();
    this.bundles = uniqueBundles(sweep);
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
    this.done = session.transport.exec(['bash', '-c', LAUNCH, 'nx-slurm', ...args], {
      stdin: (async function* () {
        yield* (await payload) ?? [];
      })(),
      onStdout: (chunk) => {
        stdout += chunk.toString('utf8');
        const probe = parseProbe(stdout, this.limitsCommand !== undefined);
        if (probe) heard(probe);
      },
    });
    // a command that ends without its probe (a broken remote root, a dropped connection) says why
    this.probe = Promise.race([
      probed,
      this.done.then((result) => {
        throw new Error(
          `Could not prepare ${session.remoteRoot} on ${session.transport.target} (exit ${result.code}): ${result.stderr.trim()}`,
        );
      }),
    ]);
    this.probe.catch(() => undefined);
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
  async submit(items: SweepIndex[], submitted: (run: StagedRun, job: ArrayJob) => Promise<void>): Promise<void> {
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
    const request = {
      runDir,
      ...first,
      maxConcurrent: sweep.request.config.maxConcurrent,
      timeLimitSeconds: sweep.timeLimitSeconds,
    };
    const submitCommand = session.scheduler.submitCommand(request);
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
    const result = await this.done.finally(() => uploads.settle());
    if (result.code !== 0) {
      throw new Error(
        `Could not create run ${runDir} on ${session.transport.target} (exit ${result.code}): ${result.stderr.trim()}`,
      );
    }
    this.reportUploads(uploads.mine, uploads.others.length);

    const run = { runId, runDir };
    const staged = parseSubmitted(result.stdout);
    const again = () => submitAndRecord(sweep, session, runDir, first, this.log);
    await submitted(
      run,
      submitCommand && staged
        ? await readSubmitted(sweep, session, () => submitCommand.read({ ...staged, stderr: result.stderr }), again)
        : await again(),
    );
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

interface NamedBundle {
  /** `project` or `library <name>`, for messages. */
  label: string;
  bundle: PreparedSweep['project'];
}

function uniqueBundles(sweep: PreparedSweep): NamedBundle[] {
  const named = [
    { label: 'project', bundle: sweep.project },
    ...sweep.libraries.map((l) => ({ label: `library ${l.name}`, bundle: l.bundle })),
  ];
  return [...new Map(named.map((b) => [b.bundle.sha256, b])).values()];
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
    return read();
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
  const job = await session.scheduler
    .submit({
      runDir,
      ...chunk,
      maxConcurrent: sweep.request.config.maxConcurrent,
      timeLimitSeconds: sweep.timeLimitSeconds,
    })
    .catch((error: Error) => {
      throw refusal(sweep, session, error);
    });
  const recorded = await session.transport.exec([
    'bash',
    '-c',
    RECORD_JOB,
    'nx-slurm',
    runDir,
    job.jobId,
    String(chunk.offset),
    compressIndices(chunk.taskIds),
  ]);
  if (recorded.code !== 0)
    log(
      `${sweep.request.jobName}: could not record job ${job.jobId} in ${runDir}/jobs (${recorded.stderr.trim()}); this workspace's ledger still has it`,
    );
  return job;
}

function refusal(sweep: PreparedSweep, session: Session, error: Error): Error {
  return new Error(
    `${session.cluster.name} refused the array: ${error.message}\n` +
      `Requested per index: ${JSON.stringify(sweep.resources)}. Adjust "resources" in slurm.json or in the cluster profile; ` +
      `\`sinfo -o "%P %c %m %l"\` on the cluster lists what each partition offers (CPUs, memory in MB, time limit).`,
  );
}

function runFolderEntries(
  sweep: PreparedSweep,
  session: Session,
  layout: RemoteLayout,
  runId: string,
  items: SweepIndex[],
) {
  const script = renderJobScript({
    jobName: sweep.request.jobName,
    runDir: layout.run(sweep.request.jobName, runId),
    sourceDir: layout.bundle(sweep.project.sha256),
    libraryDirs: sweep.libraries.map((l) => layout.bundle(l.bundle.sha256)),
    resources: sweep.resources,
    setup: sweep.setup,
  });
  const meta = {
    jobName: sweep.request.jobName,
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
      { path: 'env.bin', data: encodeEnv(sweep.env) },
      { path: 'meta.json', data: JSON.stringify(meta, null, 2) },
      ...items.map((i) => ({ path: `args/${i.index}`, data: encodeArgv([...sweep.command, ...i.argv]) })),
    ],
    dirs: ['logs', 'exit', 'out', ...items.map((i) => `out/${i.index}`)],
  };
}
