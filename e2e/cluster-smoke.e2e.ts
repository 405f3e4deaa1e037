/**
 * The test cluster and the SSH transport, end to end: a real Slurm array submitted and
 * followed through SshTransport (key auth, host key pinned, one connection), and the host key,
 * authentication and jump-host paths against the lab's real sshd.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AuthenticationError,
  ConnectionError,
  HostKeyError,
  SshTransport,
  type Transport,
} from '../packages/transport';
import { labConnection, waitFor } from './support/cluster';

// jest ignores testTimeout inside a `projects` entry: this file sets its own (the array test more)
jest.setTimeout(30_000);

const ARRAY_SCRIPT = `#!/bin/bash
# $1: the run folder. Records when this element ran, then exits 3 on element 2, else 0.
set -eu
run_dir=$1
start=$(date +%s.%N)
touch "$run_dir/started/$SLURM_ARRAY_TASK_ID"
echo "python: $(python3 -c 'import sys; print(sys.version.split()[0])')"
# a barrier, not a race: the first element waits (at most a minute) until a second one runs,
# so that two at once is reached however slowly the machine starts them
for _ in $(seq 600); do
  [ "$(ls "$run_dir/started" | wc -l)" -lt 2 ] || break
  sleep 0.1
done
# long enough that a third element started against %2 would overlap these
sleep 1
echo "$start $(date +%s.%N)" > "$run_dir/times/$SLURM_ARRAY_TASK_ID"
[ "$SLURM_ARRAY_TASK_ID" != 2 ] || exit 3
`;

const FINAL_STATES = /^(COMPLETED|FAILED|CANCELLED.*|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|PREEMPTED|DEADLINE)$/;

interface SacctRow {
  jobId: string;
  state: string;
  exitCode: string;
}

async function sacct(transport: Transport, jobId: string): Promise<SacctRow[]> {
  const result = await transport.exec([
    'env',
    'SLURM_BITSTR_LEN=0',
    'sacct',
    '-j',
    jobId,
    '-X',
    '-P',
    '-n',
    '--format=JobID,State,ExitCode',
  ]);
  if (result.code !== 0) throw new Error(`sacct failed (${result.code}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state, exitCode] = line.split('|');
      return { jobId: id, state, exitCode };
    });
}

/** The largest number of [start, end) intervals that overlap at any instant. */
function maxOverlap(intervals: [number, number][]): number {
  return Math.max(...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length));
}

async function must(transport: Transport, argv: string[]): Promise<string> {
  const result = await transport.exec(argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

describe('test cluster through SshTransport', () => {
  let transport: SshTransport;
  beforeAll(async () => {
    transport = await SshTransport.connect(labConnection());
  });
  afterAll(() => transport?.close());

  it('runs a 4-element array with %2: states, exit codes and concurrency per element', async () => {
    const home = await transport.home();
    const runDir = `${home}/nx-slurm-smoke/${Date.now()}-${process.pid}`;
    await must(transport, ['mkdir', '-p', `${runDir}/logs`, `${runDir}/times`, `${runDir}/started`]);
    await transport.writeFile(`${runDir}/job.sh`, ARRAY_SCRIPT);

    const submitted = await must(transport, [
      'sbatch',
      '--parsable',
      '--job-name=nx-slurm-smoke',
      '--array=0-3%2',
      `--output=${runDir}/logs/%a.out`,
      `--error=${runDir}/logs/%a.err`,
      `${runDir}/job.sh`,
      runDir,
    ]);
    const jobId = submitted.trim().split(';')[0];
    expect(jobId).toMatch(/^\d+$/);

    const rows = await waitFor(
      async () => {
        const all = await sacct(transport, jobId);
        const elements = all.filter((row) => /^\d+_\d+$/.test(row.jobId));
        return elements.length === 4 && elements.every((row) => FINAL_STATES.test(row.state)) && elements;
      },
      {
        what: `array ${jobId} to finish in sacct`,
        timeoutMs: 120_000,
        intervalMs: 500,
        backoff: 1.5,
        maxIntervalMs: 3000,
      },
    );
    const byElement = Object.fromEntries(rows.map((row) => [row.jobId, [row.state, row.exitCode]]));
    expect(byElement).toEqual({
      [`${jobId}_0`]: ['COMPLETED', '0:0'],
      [`${jobId}_1`]: ['COMPLETED', '0:0'],
      [`${jobId}_2`]: ['FAILED', '3:0'],
      [`${jobId}_3`]: ['COMPLETED', '0:0'],
    });

    const intervals = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const [start, end] = (await transport.readFile(`${runDir}/times/${i}`))
          .toString()
          .trim()
          .split(' ')
          .map(Number);
        expect(end).toBeGreaterThan(start);
        return [start, end] as [number, number];
      }),
    );
    // %2 must both be reached (two at once) and never exceeded
    expect(maxOverlap(intervals)).toBe(2);
    expect((await transport.readFile(`${runDir}/logs/0.out`)).toString()).toMatch(/^python: 3\.\d+/m);

    const stats = transport.stats();
    expect(stats.connections).toBe(1);
    expect(stats.bytesSent).toBe(Buffer.byteLength(ARRAY_SCRIPT));
    await must(transport, ['rm', '-rf', runDir]);
  }, 120_000);

  it('passes arguments byte for byte through the remote login shell, with stdin and exit codes', async () => {
    const hostile = ['$HOME', '`id`', '$(id)', 'a b', "it's", 'line\nbreak', '*', '~', 'X=1', 'héllo ✓', ''];
    const printed = await transport.exec(['printf', '%s\\0', ...hostile]);
    expect(printed).toEqual({ stdout: hostile.map((word) => `${word}\0`).join(''), stderr: '', code: 0 });
    expect(await transport.exec(['cat'], { stdin: 'to stdin\n' })).toEqual({
      stdout: 'to stdin\n',
      stderr: '',
      code: 0,
    });
    expect(await transport.exec(['bash', '-c', 'echo err >&2; exit 7'])).toEqual({
      stdout: '',
      stderr: 'err\n',
      code: 7,
    });
    await expect(transport.readFile('/nonexistent/nx-slurm')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(transport.readFile('/nonexistent/nx-slurm', 5)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a file from an offset over SFTP (what slurm-logs --follow uses)', async () => {
    const file = `${await transport.home()}/nx-slurm-offset-${process.pid}.txt`;
    await transport.writeFile(file, 'first line\nsecond line\n');
    expect((await transport.readFile(file, 11)).toString()).toBe('second line\n');
    expect(await transport.readFile(file, 100)).toEqual(Buffer.alloc(0));
    await transport.exec(['rm', '-f', file]);
  });
});

describe('SshTransport host keys and credentials against the lab sshd', () => {
  let dir: string;
  let labFingerprint: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-hostkeys-'));
    // OpenSSH's own view of the lab's host key, to compare our fingerprints with
    labFingerprint = execFileSync('ssh-keygen', ['-l', '-f', labConnection().knownHostsFile], {
      encoding: 'utf8',
    }).split(' ')[1];
    expect(labFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('refuses an unknown host key and says which fingerprint and how to trust it', async () => {
    const knownHostsFile = path.join(dir, 'empty_known_hosts');
    await writeFile(knownHostsFile, '');
    const refusal = SshTransport.connect(labConnection({ knownHostsFile }));
    await expect(refusal).rejects.toBeInstanceOf(HostKeyError);
    await expect(refusal).rejects.toMatchObject({ reason: 'unknown', fingerprint: labFingerprint });
    const { message } = (await refusal.catch((error: Error) => error)) as Error;
    expect(message).toContain(labFingerprint);
    expect(message).toContain(`ssh-keyscan -p 2222 127.0.0.1 >> ${knownHostsFile}`);
    expect(message).toContain('"strictHostKeyChecking": "accept-new"');
    expect(await readFile(knownHostsFile, 'utf8')).toBe('');
  });

  it('accept-new records an unknown key once, then strict checking accepts it', async () => {
    const knownHostsFile = path.join(dir, 'new/known_hosts');
    const accepted: string[] = [];
    const first = await SshTransport.connect(labConnection({ knownHostsFile, strictHostKeyChecking: 'accept-new' }), {
      onHostKeyAccepted: (event) => accepted.push(event.fingerprint),
    });
    await first.close();
    expect(accepted).toEqual([labFingerprint]);
    const labLine = (await readFile(labConnection().knownHostsFile, 'utf8')).trim();
    expect((await readFile(knownHostsFile, 'utf8')).trim()).toBe(labLine);

    const second = await SshTransport.connect(labConnection({ knownHostsFile }));
    expect((await second.exec(['whoami'])).stdout).toBe('slurmuser\n');
    await second.close();
  });

  it('refuses a changed host key, also with accept-new', async () => {
    const other = path.join(dir, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherKey = (await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    const knownHostsFile = path.join(dir, 'changed_known_hosts');
    await writeFile(knownHostsFile, `[127.0.0.1]:2222 ${otherKey}\n`);
    for (const strictHostKeyChecking of ['yes', 'accept-new'] as const) {
      const refusal = SshTransport.connect(labConnection({ knownHostsFile, strictHostKeyChecking }));
      await expect(refusal).rejects.toMatchObject({ reason: 'changed', fingerprint: labFingerprint });
      await expect(refusal).rejects.toThrow(/HAS CHANGED[\s\S]*man-in-the-middle[\s\S]*changed_known_hosts:1/);
    }
    expect(await readFile(knownHostsFile, 'utf8')).toBe(`[127.0.0.1]:2222 ${otherKey}\n`);
  });

  it('names the user and the key tried when authentication fails', async () => {
    const stranger = path.join(dir, 'stranger_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const refusal = SshTransport.connect(labConnection({ identityFiles: ['/nonexistent/id_rsa', stranger] }));
    await expect(refusal).rejects.toBeInstanceOf(AuthenticationError);
    await expect(refusal).rejects.toThrow(
      /slurmuser@127\.0\.0\.1:2222 refused every credential offered: \/nonexistent\/id_rsa \(not readable: ENOENT\), .*stranger_key/,
    );
  });

  it('says to use ssh-agent for a passphrase-protected key', async () => {
    const locked = path.join(dir, 'locked_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', locked]);
    await expect(SshTransport.connect(labConnection({ identityFiles: [locked] }))).rejects.toThrow(
      /encrypted[\s\S]*ssh-add/,
    );
  });

  it('names host and port when nothing listens there', async () => {
    const refusal = SshTransport.connect(labConnection({ port: 1 }));
    await expect(refusal).rejects.toBeInstanceOf(ConnectionError);
    await expect(refusal).rejects.toThrow(/127\.0\.0\.1:1: connection refused/);
  });

  it('reaches the login node through a jump host (two connections, both host keys checked)', async () => {
    const conn = labConnection();
    const jumped = await SshTransport.connect({ ...conn, proxyJump: `${conn.user}@${conn.host}:${conn.port}` });
    try {
      expect((await jumped.exec(['whoami'])).stdout).toBe('slurmuser\n');
      expect(jumped.stats()).toEqual({ connections: 2, commands: 1, bytesSent: 0 });
    } finally {
      await jumped.close();
    }
  });
});
