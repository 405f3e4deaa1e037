/**
 * Faults the e2e specs inject on links they own, never on the shared cluster's daemons: an SSH
 * link to the lab's sshd that a test cuts, silences or takes away (a TcpProxy with a known_hosts
 * entry of its own, so the host key is still verified), and a Slurm controller that a test takes
 * down and brings back (a copy of slurm.conf whose SlurmctldPort is a TcpProxy in front of the
 * real slurmctld, given to the profile's Slurm commands as SLURM_CONF). Plus nx runs whose output
 * a test can wait on while they go.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLabEnv } from './cluster';
import { TcpProxy } from './tcp-proxy';
import { NX_ENV, type RunResult, type Workspace } from './workspace';

/** The lab's slurm.conf, as every Slurm command on this machine reads it. */
const LAB_SLURM_CONF = '/etc/slurm/slurm.conf';
const LAB_SLURMCTLD = { host: '127.0.0.1', port: 6817 };

/** A link to the lab's login node that the test controls; `profile` goes into the cluster profile. */
export interface SshLink {
  proxy: TcpProxy;
  profile: { host: string; port: number; knownHostsFile: string };
  /** Refuses every connection (the proxy stops listening), as a login node that went away. */
  takeAway(): Promise<void>;
  /** Listens again on the same port. */
  bringBack(): Promise<void>;
  close(): Promise<void>;
}

export async function sshLink(): Promise<SshLink> {
  const env = readLabEnv();
  const sshd = { host: env.NX_SLURM_LAB_HOST, port: Number(env.NX_SLURM_LAB_PORT) };
  let proxy = await TcpProxy.start(sshd);
  const port = proxy.port;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-e2e-link-'));
  const knownHostsFile = path.join(dir, 'known_hosts');
  // the lab's own host key, recorded for the proxy's address: verification stays on
  const labToken = `[${sshd.host}]:${sshd.port}`;
  writeFileSync(
    knownHostsFile,
    readFileSync(env.NX_SLURM_LAB_KNOWN_HOSTS_FILE, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(`${labToken} `))
      .map((line) => line.replace(labToken, `[${sshd.host}]:${port}`))
      .join('\n'),
  );
  const link: SshLink = {
    get proxy() {
      return proxy;
    },
    profile: { host: sshd.host, port, knownHostsFile },
    takeAway: () => proxy.close(),
    bringBack: async () => {
      proxy = await TcpProxy.start(sshd, {}, port);
    },
    close: async () => {
      await proxy.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return link;
}

/**
 * A way to the lab's slurmctld that the test can take down: Slurm commands given `slurmConf`
 * as SLURM_CONF reach the controller only through `proxy`. Down, they get Slurm's real
 * "Unable to contact slurm controller (connect failure)"; silent, their requests are held.
 */
export interface ControllerLink {
  readonly slurmConf: string;
  readonly proxy: TcpProxy;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function controllerLink(): Promise<ControllerLink> {
  let proxy = await TcpProxy.start(LAB_SLURMCTLD);
  const port = proxy.port;
  // the login node's user (not root) reads it: a world-readable folder of its own
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-e2e-ctld-'));
  chmodSync(dir, 0o755);
  const slurmConf = path.join(dir, 'slurm.conf');
  const conf = readFileSync(LAB_SLURM_CONF, 'utf8');
  if (!/^SlurmctldPort=\d+$/m.test(conf)) throw new Error(`${LAB_SLURM_CONF} has no SlurmctldPort= line to reroute`);
  writeFileSync(slurmConf, conf.replace(/^SlurmctldPort=\d+$/m, `SlurmctldPort=${port}`), { mode: 0o644 });
  let isUp = true;
  return {
    slurmConf,
    get proxy() {
      return proxy;
    },
    down: async () => {
      isUp = false;
      await proxy.close();
    },
    up: async () => {
      proxy = await TcpProxy.start(LAB_SLURMCTLD, {}, port);
      isUp = true;
    },
    close: async () => {
      if (isUp) await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An nx command still running: its output so far, a wait on what it prints, its end. */
export interface RunningNx {
  pid: number;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout and stderr together). */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<RunResult>;
  /** Ends the command and everything it started (its own process group). */
  kill(): void;
}

export function startNx(ws: Workspace, args: string[], env: Record<string, string> = {}): RunningNx {
  const child = spawn('npx', ['nx', ...args], {
    cwd: ws.dir,
    env: { ...process.env, ...NX_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let both = '';
  /** Checked on every chunk and at the end: waits react to output, not to a clock. */
  const watchers = new Set<() => void>();
  const received = (into: Buffer[]) => (chunk: Buffer) => {
    into.push(chunk);
    both += chunk.toString('utf8');
    for (const check of watchers) check();
  };
  child.stdout.on('data', received(stdout));
  child.stderr.on('data', received(stderr));
  let ended = false;
  const exited = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      ended = true;
      for (const check of watchers) check();
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  const command = `nx ${args.join(' ')}`;
  return {
    pid: child.pid!,
    output: () => both,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`${command} printed no ${pattern} within ${timeoutMs} ms; its output so far:\n${both}`));
        }, timeoutMs);
        const check = () => {
          const match = both.match(pattern);
          if (!match && !ended) return;
          clearTimeout(timer);
          watchers.delete(check);
          if (match) resolve(match);
          else reject(new Error(`${command} ended without printing ${pattern}; its output:\n${both}`));
        };
        watchers.add(check);
        check();
      }),
    exited,
    kill: () => {
      if (!ended) process.kill(-child.pid!, 'SIGKILL');
    },
  };
}

/**
 * Array jobs of this name that the cluster knows, from squeue (at once) and sacct (lags, but
 * keeps finished jobs): the number a "submitted exactly once" assertion counts.
 */
export function arrayJobsNamed(jobName: string): string[] {
  const env = { ...process.env, SLURM_BITSTR_LEN: '0' };
  const squeue = execFileSync('squeue', ['-h', '-t', 'all', '--name', jobName, '-o', '%F'], { encoding: 'utf8', env });
  const sacct = execFileSync('sacct', ['-n', '-X', '-P', '--name', jobName, '-S', 'now-6hours', '--format=JobID'], {
    encoding: 'utf8',
    env,
  });
  const ids = [...squeue.split('\n'), ...sacct.split('\n').map((id) => id.split('_')[0])];
  return [...new Set(ids.map((id) => id.trim()).filter(Boolean))].sort();
}
