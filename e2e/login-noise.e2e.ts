/**
 * A login shell that prints a banner (issue 11, item 9), as a university cluster's ~/.bashrc
 * does, must not change what nx-slurm reads from the cluster: recovery from the run folders,
 * log tails, status and logs stay exact.
 *
 * The shared lab account stays untouched: this test starts a second sshd of its own (by pid,
 * stopped at the end) on a free port, with the lab's keys and `SetEnv BASH_ENV=<banner script>`.
 * bash reads $BASH_ENV before running `bash -c <command>` as sshd starts it, exactly where a
 * ~/.bashrc banner is printed; the script unsets BASH_ENV, so nested shells print nothing more,
 * as with ~/.bashrc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { labDir, readLabEnv, waitFor } from './support/cluster';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import { run, type Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

const BANNER_SH = `echo "Welcome to the lab cluster | 42 jobs queued | quota 80%"
printf 'R\\0/tmp/fake\\0{}\\0'
echo "module: no default python" >&2
unset BASH_ENV
`;

const LOUD_PY = `import os, sys
print("index", os.environ["NX_SLURM_INDEX"], "says hello", flush=True)
print("index", os.environ["NX_SLURM_INDEX"], "warns", file=sys.stderr, flush=True)
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('login noise', () => {
  let ws: Workspace;
  let sshd: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    const env = readLabEnv();
    dir = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-e2e-banner-'));
    chmodSync(dir, 0o755);
    const banner = path.join(dir, 'banner.sh');
    writeFileSync(banner, BANNER_SH, { mode: 0o644 });
    const port = await freePort();
    const lab = labDir();
    const config = path.join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${lab}/state/sshd/ssh_host_ed25519_key`,
        'PidFile none',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        `AuthorizedKeysFile ${lab}/ssh/authorized_keys/%u`,
        'StrictModes no',
        'UsePAM no',
        `AllowUsers ${env.NX_SLURM_LAB_USER}`,
        'Subsystem sftp internal-sftp',
        'UseDNS no',
        'PrintMotd no',
        `SetEnv BASH_ENV=${banner}`,
        '',
      ].join('\n'),
    );
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let sshdLog = '';
    sshd.stderr!.on('data', (chunk: Buffer) => (sshdLog += chunk.toString()));
    await waitFor(() => /Server listening/.test(sshdLog), {
      what: `the test's sshd on port ${port}`,
      timeoutMs: 20_000,
    });
    const hostKey = readFileSync(`${lab}/state/sshd/ssh_host_ed25519_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const knownHosts = path.join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);

    // the banner really is there: what a plain ssh command prints first
    const probe = await run('ssh', [
      ...['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-i', env.NX_SLURM_LAB_IDENTITY_FILE],
      ...['-p', String(port), `${env.NX_SLURM_LAB_USER}@127.0.0.1`, 'echo', 'ok'],
    ]);
    expect(probe.stdout).toMatch(/^Welcome to the lab cluster[\s\S]*ok\n$/);

    ws = await sweepWorkspace(
      'login-noise',
      experiment(
        'experiments/loud',
        'loud',
        { command: 'python3 loud.py', args: ['--n 0', '--n 1'] },
        { 'loud.py': LOUD_PY },
      ),
      { noisy: labProfile({ port, knownHostsFile: knownHosts }) },
    );
  });
  afterAll(() => {
    if (sshd?.pid) process.kill(sshd.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs, recovers, reports and prints logs exactly through a login banner', async () => {
    const first = await ws.nx(['run', 'loud:slurm-array', '--cluster=noisy']);
    const text = output(first);
    expect(first.code).toBe(0);
    expect(submittedJobs(text)).toHaveLength(1);
    for (const i of [0, 1]) {
      expect(text).toMatch(new RegExp(`loud/${i}: COMPLETED[\\s\\S]*index ${i} says hello`));
      expect(text).toMatch(new RegExp(`index ${i} warns`));
    }
    expect(text).not.toMatch(/Welcome to the lab cluster|no default python/);

    // another clone: no ledger, so everything is read from the run folders through the banner
    rmSync(path.join(ws.dir, '.nx-slurm/ledger'), { recursive: true, force: true });
    const again = await ws.nx(['run', 'loud:slurm-array', '--cluster=noisy', '--skip-nx-cache']);
    const againText = output(again);
    expect(again.code).toBe(0);
    expect(againText).toMatch(/recovered 2 index\(es\)/);
    expect(submittedJobs(againText)).toEqual([]);

    const status = await ws.nx(['run', 'loud:slurm-status', '--cluster=noisy']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/\n1\s+--n 1\s+COMPLETED\s+0/);

    const logs = await ws.nx(['run', 'loud:slurm-logs', '--index', '1', '--cluster=noisy']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('index 1 says hello\n');
    expect(output(logs)).not.toMatch(/Welcome to the lab cluster/);
  });
});
