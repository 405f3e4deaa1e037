/**
 * A profile that names only a Host alias: HostName, Port, User, IdentityFile and
 * UserKnownHostsFile come from ~/.ssh/config, as OpenSSH would take them.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLabEnv } from './support/cluster';
import { experiment, output, submittedJobs, sweepWorkspace } from './support/sweeps';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(180_000);

it('reaches the cluster through a Host alias of ~/.ssh/config', async () => {
  const env = readLabEnv();
  const home = await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-home-'));
  await mkdir(path.join(home, '.ssh'), { mode: 0o700 });
  await writeFile(
    path.join(home, '.ssh', 'config'),
    [
      'Host lab-alias',
      `  HostName ${env.NX_SLURM_LAB_HOST}`,
      `  Port ${env.NX_SLURM_LAB_PORT}`,
      `  User ${env.NX_SLURM_LAB_USER}`,
      `  IdentityFile ${env.NX_SLURM_LAB_IDENTITY_FILE}`,
      `  UserKnownHostsFile ${env.NX_SLURM_LAB_KNOWN_HOSTS_FILE}`,
      'Host *',
      '  User nobody-else',
      '',
    ].join('\n'),
  );
  const ws = await sweepWorkspace(
    'ssh-config',
    experiment('experiments/hello', 'hello', { command: 'echo', args: ['hello'], cluster: 'aliased' }, {}),
    {
      aliased: { host: 'lab-alias', remoteRoot: `~/nx-slurm-e2e/alias-${process.pid}` },
    },
  );

  const run = await ws.nx(['run', 'hello:slurm-array'], { env: { HOME: home, SSH_AUTH_SOCK: '' } });

  expect(run.code).toBe(0);
  expect(submittedJobs(output(run))).toHaveLength(1);
  expect(output(run)).toMatch(/hello\/0: COMPLETED[\s\S]*on node\d/);
});
