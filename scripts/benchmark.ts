/**
 * `npm run bench`: nx-slurm measured beside slurmpilot 0.2 on the test cluster, over a plain and
 * a shaped link (scripts/bench/compare.ts), with a per-phase timeline of a launch; then
 * nx-slurm's own overhead on the `local` cluster (scripts/bench/overhead.ts). Prints the tables
 * and writes them into docs/benchmarks.md. Not a test: nothing here asserts a time.
 *
 * Usage: npm run bench [-- --quick] [--repeat N] [--no-cluster] [--no-overhead] [--keep]
 *   --quick        one round, printed only (docs/benchmarks.md keeps its figures)
 *   --repeat N     rounds of each comparison scenario, repeats of the short overhead figures (default 3)
 *   --no-cluster   the local overhead part only (no Slurm needed)
 *   --no-overhead  the comparison only
 *   --keep         leave the temp workspace in place
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanUpCluster, compare } from './bench/compare';
import { readLab, startLinks } from './bench/link';
import { parseOptions } from './bench/options';
import { findPeer } from './bench/peer';
import { Cleanups, log, stopChildren } from './bench/processes';
import {
  comparisonSection,
  overheadSection,
  replaceSection,
  seconds,
  timelineSection,
  type RunInfo,
} from './bench/report';
import { measureOverhead } from './bench/overhead';
import { summarize } from './bench/stats';
import { createWorkspace } from './bench/workspace';

/** dist/bench/scripts/benchmark.js -> the repository. */
const REPO_ROOT = path.join(__dirname, '..', '..', '..');
const DOC = path.join(REPO_ROOT, 'docs', 'benchmarks.md');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const began = performance.now();
  const loadAtStart = os.loadavg()[0];
  const cleanups = new Cleanups();
  const interrupted = () => {
    stopChildren();
    void cleanups.runAll(log).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-bench-'));
  if (!options.keep) cleanups.add('remove the temp workspace', () => rmSync(scratch, { recursive: true, force: true }));
  const sections: Record<string, string> = {};
  try {
    log(`workspace in ${scratch} (packed plugin, nx of the repository's version)`);
    const ws = await createWorkspace(REPO_ROOT, scratch);
    cleanups.add('stop the Nx daemon', () => ws.stopDaemon());
    const info: RunInfo = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(ws.path('node_modules/nx/package.json')),
      loadAtStart,
      loadAtEnd: loadAtStart,
      repeat: options.repeat,
      peer: 'not measured',
    };

    const lab = options.cluster ? readLab() : undefined;
    if (options.cluster && !lab)
      log('the comparison needs the test cluster, which is not started (bash e2e/cluster/start.sh, as root): skipped');
    if (lab) {
      const peer = await findPeer(REPO_ROOT);
      info.peer = peer.available ? `${peer.python} (ssh ${peer.ssh}, rsync)` : `not measured: ${peer.reason}`;
      if (!peer.available) log(`slurmpilot ${info.peer}; measuring nx-slurm alone`);
      const links = await startLinks(lab);
      cleanups.add('close the proxies', async () => {
        for (const link of links) await link.proxy.close();
      });
      const jobs = new Set<string>();
      const token = randomBytes(4).toString('hex');
      const remoteRoots = { nxSlurm: `~/nx-slurm-bench/${token}`, slurmpilot: `~/slurmpilot-bench/${token}` };
      cleanups.add('cancel the jobs and remove the remote folders', () => cleanUpCluster(lab, jobs, remoteRoots));
      const comparison = await compare({
        ws,
        lab,
        links,
        peer: peer.available ? peer : undefined,
        scratch,
        remoteRoots,
        rounds: options.repeat,
        log,
        jobs,
      });
      info.loadAtEnd = os.loadavg()[0];
      sections.compare = comparisonSection(summarize(comparison.samples), links, info, comparison.notes);
      sections.timeline = timelineSection(comparison.timelines, comparison.perf);
    }
    if (options.overhead) {
      const overhead = await measureOverhead(ws, options.repeat, log);
      info.loadAtEnd = os.loadavg()[0];
      sections.overhead = overheadSection(overhead.rows, overhead.notes, info);
    }

    for (const [name, body] of Object.entries(sections)) process.stdout.write(`\n<!-- ${name} -->\n${body}\n`);
    if (options.quick) log(`--quick: ${path.relative(REPO_ROOT, DOC)} left as it was`);
    else {
      let doc = readFileSync(DOC, 'utf8');
      for (const [name, body] of Object.entries(sections)) doc = replaceSection(doc, name, body);
      writeFileSync(DOC, doc);
      log(`figures written into ${path.relative(REPO_ROOT, DOC)} (sections ${Object.keys(sections).join(', ')})`);
    }
    log(`benchmark took ${seconds(performance.now() - began)}${options.keep ? `; workspace kept in ${ws.dir}` : ''}`);
  } finally {
    await cleanups.runAll(log);
  }
}

function machine(nxManifest: string): string {
  const nx = (JSON.parse(readFileSync(nxManifest, 'utf8')) as { version: string }).version;
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, nx ${nx}`;
}

main().catch((error: Error) => {
  process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
