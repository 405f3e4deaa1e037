/**
 * nx-slurm beside slurmpilot on the same workload, interleaved, each as a whole process, over
 * each link: first launches (100 and 1000 indices), relaunches (unchanged, after a library
 * edit), the status of a finished sweep with one failed index, cancel; and the floors (a trivial
 * Nx target, one bare ssh2 connection + sbatch).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SshTransport, type Transport } from '../../packages/transport';
import { knownHostsForPorts, measured, sshConnection, type Lab, type Link } from './link';
import { parseJobId, parseState, type PeerFound, Slurmpilot } from './peer';
import { mustSucceed, tail, type Timed } from './processes';
import { interleave, TOOLS, type Sample, type Scenario, type Tool } from './stats';
import { medianTimeline, ownPartMs, perfEntries, phasesOf, type Phase } from './timeline';
import {
  entryPoint,
  experimentFiles,
  FLOOR_PROJECT,
  floorFiles,
  LIBRARY_ROOT,
  libraryFiles,
  nxJson,
  sweepArgs,
  type BenchWorkspace,
  type ExperimentSpec,
} from './workspace';

const EXP100: ExperimentSpec = { root: 'experiments/exp100', indices: 100, hold: true };
const EXP1000: ExperimentSpec = { root: 'experiments/exp1000', indices: 1000, hold: true };
/** Runs for real, once: the sweep whose status is asked. */
const DONE100: ExperimentSpec = { root: 'experiments/done100', indices: 100, failIndex: 42, hold: false };
const FINISH_TIMEOUT_MS = 10 * 60_000;

export interface CompareSetup {
  ws: BenchWorkspace;
  lab: Lab;
  links: Link[];
  /** Absent when slurmpilot cannot run here: nx-slurm is measured alone. */
  peer?: PeerFound;
  scratch: string;
  /** nx-slurm's remoteRoot and slurmpilot's remote_path (`~/...`). */
  remoteRoots: { nxSlurm: string; slurmpilot: string };
  rounds: number;
  log: (line: string) => void;
  /** Every job submitted, for cleanUpCluster. */
  jobs: Set<string>;
}

/** Cancels every job the benchmark submitted and removes both tools' remote folders, over a connection of its own. */
export async function cleanUpCluster(
  lab: Lab,
  jobs: Set<string>,
  remoteRoots: CompareSetup['remoteRoots'],
): Promise<void> {
  const admin = await SshTransport.connect(sshConnection(lab, lab.port, lab.knownHostsFile));
  try {
    if (jobs.size > 0) await admin.exec(['scancel', ...jobs]);
    const home = await admin.home();
    for (const root of [remoteRoots.nxSlurm, remoteRoots.slurmpilot]) {
      const absolute = path.posix.join(home, root.replace(/^~\//, ''));
      await admin.exec(['rm', '-rf', absolute]);
      await admin.exec(['rmdir', '--ignore-fail-on-non-empty', path.posix.dirname(absolute)]);
    }
  } finally {
    await admin.close();
  }
}

export interface Timeline {
  label: string;
  phases: Phase[];
}

export interface Comparison {
  samples: Sample[];
  /** Per-phase timelines of first launches (medians over rounds), loopback link. */
  timelines: Timeline[];
  /** NX_PERF_LOGGING entries of one `slurm-array` launch without the daemon. */
  perf: Map<string, number>;
  notes: string[];
}

export async function compare(setup: CompareSetup): Promise<Comparison> {
  const run = new ComparisonRun(setup);
  try {
    return await run.all();
  } finally {
    await run.close();
  }
}

class ComparisonRun {
  private readonly samples: Sample[] = [];
  private readonly notes: string[] = [];
  private readonly firstLaunchPhases = new Map<string, Phase[][]>();
  private perf = new Map<string, number>();
  private readonly pilot?: Slurmpilot;
  private readonly tools: Tool[];
  private readonly knownHostsFile: string;
  /** Unique per benchmark run: slurmpilot refuses a job name it has seen. */
  private readonly token = randomBytes(3).toString('hex');
  private admin?: Promise<Transport>;
  private pilotDoneJob?: string;

  constructor(private readonly setup: CompareSetup) {
    const { lab, links, scratch, peer } = setup;
    this.knownHostsFile = path.join(scratch, 'known_hosts');
    writeFileSync(
      this.knownHostsFile,
      knownHostsForPorts(
        readFileSync(lab.knownHostsFile, 'utf8'),
        lab.host,
        lab.port,
        links.map((l) => l.proxy.port),
      ),
    );
    this.pilot = peer
      ? Slurmpilot.create(
          peer,
          {
            user: lab.user,
            identityFile: lab.identityFile,
            knownHostsFile: this.knownHostsFile,
            remotePath: setup.remoteRoots.slurmpilot,
          },
          path.join(scratch, 'slurmpilot-home'),
          links[0].proxy.port,
        )
      : undefined;
    this.tools = TOOLS.filter((tool) => tool !== 'slurmpilot' || this.pilot);
  }

  async all(): Promise<Comparison> {
    const { ws, links } = this.setup;
    ws.write({
      ...experimentFiles(EXP100, 'initial'),
      ...experimentFiles(DONE100, 'initial'),
      ...libraryFiles('initial'),
      ...floorFiles(),
    });
    this.pointAt(links[0]);
    await this.finishStatusSweep(links[0]);
    for (const link of links) {
      this.pointAt(link);
      await this.warmUp();
      this.log(
        `${link.name}: launches, relaunches and cancel of ${EXP100.indices} indices, ${this.setup.rounds} round(s)`,
      );
      for (const { tool, round } of interleave(this.tools, this.setup.rounds)) {
        await this.launchRound(link, tool, round);
        if (tool === this.tools[this.tools.length - 1]) await this.floors(link, round);
      }
      this.log(`${link.name}: status of the finished sweep`);
      for (const { tool, round } of interleave(this.tools, this.setup.rounds)) await this.status(link, tool, round);
      this.log(`${link.name}: first launch of ${EXP1000.indices} indices`);
      this.setup.ws.write(experimentFiles(EXP1000, 'initial'));
      await this.warmUp();
      for (const { tool, round } of interleave(this.tools, this.setup.rounds)) await this.launch1000(link, tool, round);
      this.setup.ws.remove(EXP1000.root);
    }
    await this.arrayTimeline(links[0]);
    const timelines = [...this.firstLaunchPhases].map(([label, runs]) => ({ label, phases: medianTimeline(runs) }));
    return { samples: this.samples, timelines, perf: this.perf, notes: this.notes };
  }

  async close(): Promise<void> {
    if (this.admin) await (await this.admin).close();
  }

  private log(line: string): void {
    this.setup.log(line);
  }

  /** A direct connection of the benchmark's own (not through a proxy) to cancel jobs and wait for them. */
  private adminTransport(): Promise<Transport> {
    const { lab } = this.setup;
    this.admin ??= SshTransport.connect(sshConnection(lab, lab.port, lab.knownHostsFile));
    return this.admin;
  }

  private async cancelJobs(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const result = await (await this.adminTransport()).exec(['scancel', ...ids]);
    if (result.code !== 0) this.notes.push(`scancel ${ids.join(' ')}: ${result.stderr.trim()}`);
  }

  /** Both tools' next connections go through `link`. */
  private pointAt(link: Link): void {
    const { ws, lab, remoteRoots } = this.setup;
    ws.write({
      'nx.json': nxJson({
        lab: {
          host: lab.host,
          port: link.proxy.port,
          user: lab.user,
          identityFile: lab.identityFile,
          knownHostsFile: this.knownHostsFile,
          remoteRoot: remoteRoots.nxSlurm,
        },
      }),
    });
    this.pilot?.pointAt(link.proxy.port);
  }

  /** After a change of nx.json or of the projects: the graph computed, the daemon up, before anything is timed. */
  private async warmUp(): Promise<void> {
    for (const daemon of [true, false])
      mustSucceed('nx show projects (warm-up)', await this.setup.ws.nx(['show', 'projects'], { daemon }));
  }

  private nx(tool: Tool, args: string[], env?: Record<string, string>): Promise<Timed> {
    return this.setup.ws.nx(args, { daemon: tool === 'nx-daemon', env });
  }

  private record(
    link: Link,
    scenario: Scenario,
    tool: Tool,
    round: number,
    measurement: { result: Timed; traffic: Sample['traffic'] },
    extra: Partial<Sample> = {},
  ): Sample {
    const sample: Sample = {
      link: link.name,
      scenario,
      tool,
      round,
      ms: measurement.result.ms,
      traffic: measurement.traffic,
      ...extra,
    };
    this.samples.push(sample);
    return sample;
  }

  /**
   * First launch with the code and the library just edited (every bundle new to the cluster),
   * the same again unchanged, again after a library edit, then cancel.
   */
  private async launchRound(link: Link, tool: Tool, round: number): Promise<void> {
    const { ws } = this.setup;
    const edit = `${this.token}-${link.name}-${tool}-${round}`;
    const jobs: string[] = [];
    ws.write({ [`${EXP100.root}/main.py`]: entryPoint(edit), ...libraryFiles(edit) });
    if (tool === 'slurmpilot') {
      const pilot = this.pilot!;
      const file = pilot.writeJob('exp100', this.peerJob(EXP100));
      const launch = async (scenario: Scenario, name: string) => {
        const m = await measured(link, () => pilot.launch(file, name));
        const { jobId } = peerLaunched(name, m.result);
        jobs.push(jobId);
        this.setup.jobs.add(jobId);
        this.record(link, scenario, tool, round, m);
      };
      const name = (what: string) => `bench-${edit}-${what}`;
      await launch('first-100', name('first'));
      await launch('relaunch-unchanged', name('again'));
      ws.write(libraryFiles(`${edit}-library`));
      await launch('relaunch-library', name('library'));
      const stop = await measured(link, () => pilot.stop(name('library')));
      mustSucceed(`sp stop ${name('library')}`, stop.result);
      this.record(link, 'cancel', tool, round, stop);
    } else {
      const launch = async (scenario: Scenario, args: string[], expect: RegExp) => {
        const m = await measured(link, () => this.nx(tool, args));
        jobs.push(...this.nxLaunched(args, m.result, expect));
        const phases = phasesOf(m.result);
        if (scenario === 'first-100' && link.name === 'loopback') this.addTimeline(`slurm-submit, ${tool}`, phases);
        this.record(link, scenario, tool, round, m, { ownMs: ownPartMs(phases) });
      };
      await launch('first-100', ['run', 'exp100:slurm-submit'], /uploaded project bundle[^]*uploaded library /);
      await launch('relaunch-unchanged', ['run', 'exp100:slurm-submit', '--force'], /code unchanged/);
      ws.write(libraryFiles(`${edit}-library`));
      await launch('relaunch-library', ['run', 'exp100:slurm-submit'], /uploaded library /);
      const cancel = await measured(link, () => this.nx(tool, ['run', 'exp100:slurm-cancel']));
      mustSucceed('nx run exp100:slurm-cancel', cancel.result);
      if (!/cancelled \d/.test(cancel.result.text))
        this.notes.push(
          `${link.name} ${tool} round ${round}: slurm-cancel cancelled nothing:\n${tail(cancel.result, 5)}`,
        );
      this.record(link, 'cancel', tool, round, cancel);
    }
    await this.cancelJobs(jobs);
  }

  /** What each round also measures: the trivial Nx target in both modes, and a bare ssh2 launch. */
  private async floors(link: Link, round: number): Promise<void> {
    for (const tool of ['nx-daemon', 'nx-no-daemon'] as const) {
      const m = await measured(link, () => this.nx(tool, ['run', `${FLOOR_PROJECT}:noop`]));
      mustSucceed(`nx run ${FLOOR_PROJECT}:noop`, m.result);
      this.record(link, 'floor-nx', tool, round, m);
    }
    await this.bareLaunch(link, round);
  }

  /** One ssh2 connection (the project's transport) and `sbatch --array=0-99`: what a launch costs at least on this link. */
  private async bareLaunch(link: Link, round: number): Promise<void> {
    const { lab } = this.setup;
    const m = await measured(link, async () => {
      const start = performance.now();
      const transport = await SshTransport.connect(sshConnection(lab, link.proxy.port, this.knownHostsFile));
      try {
        const result = await transport.exec([
          'sbatch',
          '--parsable',
          '--hold',
          `--array=0-${EXP100.indices - 1}`,
          '--job-name=bench-floor',
          '--output=/dev/null',
          '--wrap',
          'true',
        ]);
        if (result.code !== 0) throw new Error(`bare sbatch failed: ${result.stderr.trim()}`);
        const jobId = result.stdout.trim().split(';')[0];
        this.setup.jobs.add(jobId);
        return { ms: performance.now() - start, jobId };
      } finally {
        await transport.close();
      }
    });
    await this.cancelJobs([m.result.jobId]);
    this.samples.push({
      link: link.name,
      scenario: 'floor-ssh',
      tool: 'ssh2',
      round,
      ms: m.result.ms,
      traffic: m.traffic,
    });
  }

  private async launch1000(link: Link, tool: Tool, round: number): Promise<void> {
    const edit = `${this.token}-${link.name}-${tool}-${round}-1000`;
    this.setup.ws.write({ [`${EXP1000.root}/main.py`]: entryPoint(edit), ...libraryFiles(edit) });
    let jobs: string[];
    if (tool === 'slurmpilot') {
      const file = this.pilot!.writeJob('exp1000', this.peerJob(EXP1000));
      const name = `bench-${edit}`;
      const m = await measured(link, () => this.pilot!.launch(file, name));
      jobs = [peerLaunched(name, m.result).jobId];
      this.record(link, 'first-1000', tool, round, m);
    } else {
      const args = ['run', 'exp1000:slurm-submit'];
      const m = await measured(link, () => this.nx(tool, args));
      jobs = this.nxLaunched(args, m.result, /uploaded project bundle/);
      this.record(link, 'first-1000', tool, round, m, { ownMs: ownPartMs(phasesOf(m.result)) });
    }
    for (const job of jobs) this.setup.jobs.add(job);
    await this.cancelJobs(jobs);
  }

  /** Both tools run the 100-index sweep in which index 42 exits 3, to its end (not timed). */
  private async finishStatusSweep(link: Link): Promise<void> {
    this.log(
      `${link.name}: running the ${DONE100.indices}-index sweep whose status is measured (index ${DONE100.failIndex} exits 3)`,
    );
    if (this.pilot) {
      // first, so that the source it copies has no results/ folder that nx-slurm's run fetched
      const name = `bench-${this.token}-done100`;
      const { jobId } = peerLaunched(
        name,
        await this.pilot.launch(this.pilot.writeJob('done100', this.peerJob(DONE100)), name),
      );
      this.setup.jobs.add(jobId);
      this.pilotDoneJob = name;
      await this.waitUntilFinished(jobId);
    }
    const run = await this.setup.ws.nx(['run', 'done100:slurm-array'], { daemon: false, timeoutMs: FINISH_TIMEOUT_MS });
    for (const job of submittedJobs(run.text)) this.setup.jobs.add(job);
    if (!/: 99\/100 done, 0 running, 0 pending, 1 failed/.test(run.text))
      throw new Error(`nx run done100:slurm-array did not end with 99 done and 1 failed:\n${tail(run)}`);
  }

  /** Polls sacct until every element of the job is final. */
  private async waitUntilFinished(jobId: string): Promise<void> {
    const admin = await this.adminTransport();
    const deadline = Date.now() + FINISH_TIMEOUT_MS;
    for (;;) {
      const result = await admin.exec(['sacct', '-j', jobId, '-X', '-n', '-P', '-o', 'State']);
      const states = result.stdout.split('\n').filter(Boolean);
      if (states.length > 0 && states.every((s) => !/PENDING|RUNNING|REQUEUED|CONFIGURING|COMPLETING/.test(s))) return;
      if (Date.now() > deadline)
        throw new Error(`job ${jobId} still not finished after ${FINISH_TIMEOUT_MS / 1000} s: ${states.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  private async status(link: Link, tool: Tool, round: number): Promise<void> {
    if (tool === 'slurmpilot') {
      const m = await measured(link, () => this.pilot!.status(this.pilotDoneJob!));
      mustSucceed('sp status', m.result);
      const said = parseState(m.result.text);
      this.record(link, 'status', tool, round, m, { answer: { right: /^FAILED/.test(said), said } });
    } else {
      const m = await measured(link, () => this.nx(tool, ['run', 'done100:slurm-status']));
      mustSucceed('nx run done100:slurm-status', m.result);
      this.record(link, 'status', tool, round, m, { answer: nxStatusAnswer(m.result.text) });
    }
  }

  /**
   * One `slurm-array` first launch without the daemon, with NX_PERF_LOGGING: the graph phases
   * Nx reports, and the batch executor's timeline. Cancelled as soon as the job id appears.
   */
  private async arrayTimeline(link: Link): Promise<void> {
    this.pointAt(link);
    const edit = `${this.token}-array-timeline`;
    this.setup.ws.write({ [`${EXP100.root}/main.py`]: entryPoint(edit), ...libraryFiles(edit) });
    const cancels: Promise<void>[] = [];
    const run = await this.setup.ws.nx(['run', 'exp100:slurm-array'], {
      daemon: false,
      env: { NX_PERF_LOGGING: 'true' },
      timeoutMs: 5 * 60_000,
      onLine: (line) => {
        const job = /submitted job (\d+)/.exec(line.text)?.[1];
        if (!job) return;
        this.setup.jobs.add(job);
        cancels.push(this.cancelJobs([job]));
      },
    });
    await Promise.all(cancels);
    if (cancels.length === 0) throw new Error(`nx run exp100:slurm-array submitted nothing:\n${tail(run)}`);
    this.addTimeline('slurm-array, nx-no-daemon, NX_PERF_LOGGING (one run)', phasesOf(run));
    this.perf = perfEntries(run.text);
  }

  private addTimeline(label: string, phases: Phase[]): void {
    this.firstLaunchPhases.set(label, [...(this.firstLaunchPhases.get(label) ?? []), phases]);
  }

  private peerJob(spec: ExperimentSpec) {
    const { ws } = this.setup;
    return {
      srcDir: ws.path(spec.root),
      library: ws.path(LIBRARY_ROOT),
      args: sweepArgs(spec.indices),
      hold: spec.hold,
    };
  }

  /** The job ids an nx-slurm launch printed; fails unless it succeeded, submitted one job and shipped what `expect` says. */
  private nxLaunched(args: string[], run: Timed, expect: RegExp): string[] {
    mustSucceed(`nx ${args.join(' ')}`, run);
    const jobs = submittedJobs(run.text);
    if (jobs.length !== 1) throw new Error(`nx ${args.join(' ')}: expected one "submitted job" line:\n${tail(run)}`);
    for (const job of jobs) this.setup.jobs.add(job);
    if (!expect.test(run.text))
      this.notes.push(`nx ${args.join(' ')}: output does not match ${expect}:\n${tail(run, 8)}`);
    return jobs;
  }
}

function submittedJobs(text: string): string[] {
  return [...text.matchAll(/submitted job (\d+)/g)].map((m) => m[1]);
}

function peerLaunched(name: string, run: Timed): { jobId: string } {
  mustSucceed(`sp launch ${name}`, run);
  const jobId = parseJobId(run.text);
  if (!jobId) throw new Error(`sp launch ${name}: no job id in its output:\n${tail(run)}`);
  return { jobId };
}

/** Right if the table says index 42 FAILED with exit code 3 and the summary counts 99 done, 1 failed. */
export function nxStatusAnswer(text: string): { right: boolean; said: string } {
  const summary = /^\S+: (\d+)\/(\d+) done, \d+ running, \d+ pending, (\d+) failed$/m.exec(text);
  const row = new RegExp(`^${DONE100.failIndex}\\s.*\\b(\\w+)\\s+(\\S+)\\s+\\S+\\s+\\S+\\s+\\S+$`, 'm').exec(text);
  const said = `${summary ? `${summary[1]}/${summary[2]} done, ${summary[3]} failed` : 'no summary'}; index ${DONE100.failIndex}: ${row ? `${row[1]} exit ${row[2]}` : 'no row'}`;
  const right =
    !!summary && summary[1] === '99' && summary[3] === '1' && !!row && row[1] === 'FAILED' && row[2] === String(3);
  return { right, said };
}
