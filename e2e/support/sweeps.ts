/**
 * A user's workspace for the sweep e2e specs: the packed plugin, a `lab` cluster profile that
 * reaches the test cluster over SSH, and experiment projects written as a user would.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLabEnv } from './cluster';
import { createWorkspace, type RunResult, type Workspace } from './workspace';

/** The `lab` profile, with a remoteRoot of its own so specs never see each other's bundles. */
export function labProfile(overrides: Record<string, unknown> = {}) {
  const env = readLabEnv();
  return {
    host: env.NX_SLURM_LAB_HOST,
    port: Number(env.NX_SLURM_LAB_PORT),
    user: env.NX_SLURM_LAB_USER,
    identityFile: env.NX_SLURM_LAB_IDENTITY_FILE,
    knownHostsFile: env.NX_SLURM_LAB_KNOWN_HOSTS_FILE,
    remoteRoot: `~/nx-slurm-e2e/${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
}

export async function writeFiles(dir: string, files: Record<string, string | object>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(
      path.join(dir, file),
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  }
}

/** A workspace whose nx.json registers nx-slurm with the lab cluster as default (and any other profiles). */
export async function sweepWorkspace(
  name: string,
  files: Record<string, string | object>,
  clusters: Record<string, object> = {},
): Promise<Workspace> {
  const workspace = await createWorkspace(name);
  await writeFiles(workspace.dir, {
    'nx.json': {
      analytics: false,
      plugins: [
        { plugin: 'nx-slurm', options: { defaultCluster: 'lab', clusters: { lab: labProfile(), ...clusters } } },
      ],
    },
    ...files,
  });
  return workspace;
}

/** A library project with one Python module. */
export function pythonLibrary(
  root: string,
  name: string,
  module: string,
  source: string,
): Record<string, string | object> {
  return { [`${root}/project.json`]: { name, projectType: 'library' }, [`${root}/${module}.py`]: source };
}

/** An experiment project: project.json, slurm.json and its program files. */
export function experiment(
  root: string,
  name: string,
  slurm: object,
  program: Record<string, string>,
): Record<string, string | object> {
  return {
    [`${root}/project.json`]: { name, projectType: 'application' },
    [`${root}/slurm.json`]: slurm,
    ...Object.fromEntries(Object.entries(program).map(([file, source]) => [`${root}/${file}`, source])),
  };
}

export interface LedgerEntry {
  runIndex: number;
  runDir: string;
  jobId: string;
}

/** A workspace's ledger of one sweep (`.nx-slurm/ledger/<cluster>/<jobName>.json`). */
export function ledgerOf(ws: Workspace, jobName: string, cluster = 'lab'): { entries: Record<string, LedgerEntry> } {
  return JSON.parse(readFileSync(path.join(ws.dir, '.nx-slurm/ledger', cluster, `${jobName}.json`), 'utf8'));
}

/** The ledger entry of index `index` of a sweep: where it ran (its run folder can be read in place). */
export function runDirOf(ws: Workspace, jobName: string, index: number, cluster = 'lab'): LedgerEntry {
  const entry = Object.values(ledgerOf(ws, jobName, cluster).entries).find((e) => e.runIndex === index);
  if (!entry) throw new Error(`${ws.dir}: the ledger of ${jobName} on ${cluster} has no index ${index}`);
  return entry;
}

/** Job ids the launcher reported submitting, in order. */
export function submittedJobs(output: string): string[] {
  return [...output.matchAll(/submitted job (\S+) \((\d+) index/g)].map((m) => m[1]);
}

/** What the launcher reported sending: `nx-slurm: lab: 1 connection(s), 5 command(s), 1234 bytes sent`. */
export function transportFigures(
  output: string,
): { connections: number; commands: number; bytesSent: number } | undefined {
  const match = /nx-slurm: lab: (\d+) connection\(s\), (\d+) command\(s\), (\d+) bytes sent/.exec(output);
  return match ? { connections: Number(match[1]), commands: Number(match[2]), bytesSent: Number(match[3]) } : undefined;
}

export interface SacctRow {
  jobId: string;
  state: string;
  exitCode: string;
  start: string;
  end: string;
}

/** sacct on this machine (the lab's controller), one row per element. */
export function sacct(jobId: string): SacctRow[] {
  const out = execFileSync('sacct', ['-j', jobId, '-X', '-P', '-n', '--format=JobID,State,ExitCode,Start,End'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_BITSTR_LEN: '0' },
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state, exitCode, start, end] = line.split('|');
      return { jobId: id, state, exitCode, start, end };
    });
}

/**
 * A new known_hosts file that pins the lab's host key for 127.0.0.1:`port`, a forwarder in
 * front of the lab's sshd (e2e/support/tcp-proxy.ts), so that a profile can reach the lab
 * through it with strict host key checking.
 */
export async function knownHostsThrough(port: number): Promise<string> {
  const env = readLabEnv();
  const lab = await readFile(env.NX_SLURM_LAB_KNOWN_HOSTS_FILE, 'utf8');
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-known-hosts-')), 'known_hosts');
  const pinned = lab
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^\S+/, `[${env.NX_SLURM_LAB_HOST}]:${port}`));
  await writeFile(file, `${pinned.join('\n')}\n`);
  return file;
}

/** A file under the lab user's home, read as root on this machine (the cluster's shared filesystem). */
export function remoteHome(): string {
  return execFileSync('bash', ['-c', `getent passwd ${readLabEnv().NX_SLURM_LAB_USER} | cut -d: -f6`], {
    encoding: 'utf8',
  }).trim();
}

export const output = (r: RunResult) => `${r.stdout}\n${r.stderr}`;
