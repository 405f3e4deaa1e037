/**
 * slurmpilot 0.2, run from the peers folder (never copied into this repository) the way
 * ../shared/peers/README.md says: HOME is a temp folder with its configuration, and an `ssh`
 * wrapper first on PATH points its ssh and rsync at an ssh_config of ours, so the user's own
 * ~/.ssh is never read and every connection goes through the benchmark's proxy.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { shellQuote } from '../../packages/shell';
import { timed, type Timed } from './processes';

export interface PeerFound {
  available: true;
  /** The folder holding slurmpilot's package (PYTHONPATH). */
  packageRoot: string;
  /** The interpreter itself, not a version manager's shim in front of it. */
  python: string;
  ssh: string;
}

export type PeerCheck = PeerFound | { available: false; reason: string };

/**
 * Where the peers are: NX_SLURM_PEERS, else `shared/peers` beside the repository (`../shared/peers`)
 * or beside a folder holding it (a git worktree in `../wt/<name>`).
 */
export function peersDir(
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (dir: string) => boolean = existsSync,
): string {
  if (env.NX_SLURM_PEERS) return env.NX_SLURM_PEERS;
  const beside = path.join(repoRoot, '..', 'shared', 'peers');
  for (let dir = path.dirname(repoRoot); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'peers');
    if (exists(candidate)) return candidate;
    if (path.dirname(dir) === dir) return beside;
  }
}

/** The first `name` on a PATH string, or undefined. */
export function which(
  name: string,
  pathEnv: string,
  exists: (file: string) => boolean = existsSync,
): string | undefined {
  return pathEnv
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(exists);
}

/** Whether slurmpilot can run here; if not, what is missing and how to get it. */
export async function findPeer(repoRoot: string): Promise<PeerCheck> {
  const packageRoot = path.join(peersDir(repoRoot), 'slurmpilot');
  if (!existsSync(path.join(packageRoot, 'slurmpilot', 'cli.py')))
    return {
      available: false,
      reason: `no slurmpilot in ${packageRoot} (set NX_SLURM_PEERS to the folder holding slurmpilot/)`,
    };
  const pathEnv = process.env.PATH ?? '';
  const missing = ['python3', 'rsync', 'ssh'].filter((tool) => !which(tool, pathEnv));
  if (missing.length > 0)
    return {
      available: false,
      reason: `${missing.join(', ')} not found on PATH (Debian: apt-get install ${missing.map((m) => (m === 'ssh' ? 'openssh-client' : m)).join(' ')})`,
    };
  const probe = await timed(
    'python3',
    ['-c', 'import sys, yaml; assert sys.version_info >= (3, 11), sys.version; print(sys.executable)'],
    { cwd: repoRoot },
  );
  if (probe.code !== 0)
    return {
      available: false,
      reason: `python3 cannot run slurmpilot 0.2 (it needs Python >= 3.11 with PyYAML; Debian: apt-get install python3-yaml): ${probe.text.trim().split('\n').pop()}`,
    };
  return { available: true, packageRoot, python: probe.text.trim(), ssh: which('ssh', pathEnv)! };
}

export interface PeerAccess {
  user: string;
  identityFile: string;
  knownHostsFile: string;
  remotePath: string;
}

/** The `Host lab` entry slurmpilot's ssh and rsync use: the proxy's port, our key and known_hosts. */
export function sshConfigText(access: PeerAccess, port: number): string {
  return [
    'Host lab',
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    `  User ${access.user}`,
    `  IdentityFile ${access.identityFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${access.knownHostsFile}`,
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '',
  ].join('\n');
}

export interface PeerJob {
  srcDir: string;
  library: string;
  args: string[];
  hold: boolean;
}

/** A job file for `sp launch --config`: JSON, which is YAML too. The same flags as the nx-slurm sweep. */
export function jobYaml(job: PeerJob): string {
  return `${JSON.stringify(
    {
      entrypoint: 'main.py',
      src_dir: job.srcDir,
      python_libraries: [job.library],
      python_binary: 'python3',
      partition: 'debug',
      max_runtime_minutes: 60,
      python_args: job.args,
      ...(job.hold ? { sbatch_arguments: '--hold' } : {}),
    },
    null,
    2,
  )}\n`;
}

/** The job id in `sp launch`'s output (`Job submitted to Slurm / lab with id 123`). */
export function parseJobId(output: string): string | undefined {
  return /submitted to Slurm .* with id (\d+)/.exec(output)?.[1];
}

/** `sp status`'s answer: the last line, a Slurm state such as COMPLETED. */
export function parseState(output: string): string {
  return output.trim().split('\n').pop()?.trim() ?? '';
}

/** slurmpilot set up in `home` (its HOME), its jobs kept in `home/sp-local`. */
export class Slurmpilot {
  private constructor(
    private readonly peer: PeerFound,
    private readonly access: PeerAccess,
    private readonly home: string,
  ) {}

  static create(peer: PeerFound, access: PeerAccess, home: string, port: number): Slurmpilot {
    const config = path.join(home, 'slurmpilot', 'config');
    mkdirSync(path.join(config, 'clusters'), { recursive: true });
    mkdirSync(path.join(home, 'bin'), { recursive: true });
    writeFileSync(
      path.join(config, 'general.yaml'),
      `local_path: ${path.join(home, 'sp-local')}\ndefault_cluster: lab\n`,
    );
    writeFileSync(
      path.join(config, 'clusters', 'lab.yaml'),
      `host: lab\nremote_path: ${access.remotePath}\ndefault_partition: debug\n`,
    );
    // OpenSSH reads ~/.ssh/config from the passwd home, not $HOME: the wrapper names our file
    writeFileSync(
      path.join(home, 'bin', 'ssh'),
      `#!/bin/sh\nexec ${shellQuote([peer.ssh, '-F', path.join(home, 'ssh_config')])} "$@"\n`,
      { mode: 0o755 },
    );
    const pilot = new Slurmpilot(peer, access, home);
    pilot.pointAt(port);
    return pilot;
  }

  /** Sends its next connections to `port` (one of the benchmark's proxies). */
  pointAt(port: number): void {
    writeFileSync(path.join(this.home, 'ssh_config'), sshConfigText(this.access, port));
  }

  writeJob(name: string, job: PeerJob): string {
    const file = path.join(this.home, 'jobs', `${name}.yaml`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, jobYaml(job));
    return file;
  }

  launch(jobFile: string, jobName: string): Promise<Timed> {
    return this.sp(['launch', '--config', jobFile, '--cluster', 'lab', '--jobname', jobName]);
  }

  status(jobName: string): Promise<Timed> {
    return this.sp(['status', jobName]);
  }

  stop(jobName: string): Promise<Timed> {
    return this.sp(['stop', jobName]);
  }

  /** `python3 -m slurmpilot.cli ...` (the `sp` command) as a whole process. */
  sp(args: string[]): Promise<Timed> {
    return timed(this.peer.python, ['-m', 'slurmpilot.cli', ...args], {
      cwd: this.home,
      env: {
        HOME: this.home,
        PATH: `${path.join(this.home, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
        PYTHONPATH: this.peer.packageRoot,
      },
      timeoutMs: 5 * 60_000,
    });
  }
}
