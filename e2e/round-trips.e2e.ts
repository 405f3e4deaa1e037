/**
 * What a user on a real network waits for: the round trips of a launch, a relaunch and a status,
 * counted on the wire by a proxy in front of the test cluster's sshd (25 ms each way, so what
 * one side sends in one go arrives in one go). A round trip is a turn of the traffic from
 * client-to-server to server-to-client; the SSH handshake's own, measured with a bare
 * connection through the same proxy, are left out. Counts, not times.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectSsh } from '../packages/transport';
import { labConnection, readLabEnv } from './support/cluster';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace, writeFiles } from './support/sweeps';
import { TcpProxy } from './support/tcp-proxy';
import type { Workspace } from './support/workspace';

jest.setTimeout(180_000);

/**
 * Budgets after the handshake. A launch is one command: its channel opens (1), the command
 * starts and says which bundles the cluster has (2), the bundles and the run folder go out on
 * its stdin and the job id comes back (3). A status is one command: its channel opens (1), the
 * command starts and answers with squeue's and sacct's output (2).
 */
const LAUNCH_ROUND_TRIPS = 3;
const STATUS_ROUND_TRIPS = 2;
/**
 * Turns of the traffic nobody waits for, which timing decides: sshd's host-keys notice, sent
 * right after authentication, may arrive after the client's first channel request; the end of
 * an empty stdin may go out before a command answers; an upload past half of sshd's 2 MB
 * channel window makes sshd grant more window midway. An extra command costs at least 2 more,
 * so the budgets still catch one.
 */
const HOST_KEYS_NOTICE = 1;
const STDIN_END = 1;
const WINDOW_GRANT = 1;

describe('round trips to the cluster, counted on the wire', () => {
  let proxy: TcpProxy;
  let ws: Workspace;
  let handshake: number;
  const jobName = `round-trips-${randomBytes(3).toString('hex')}`;

  /** Runs nx with the proxy's counters reset; returns its output and what crossed the proxy. */
  async function counted(...args: string[]) {
    proxy.resetCounters();
    // no agent: the identity file alone, as in the bare handshake
    const run = await ws.nx(args, { env: { SSH_AUTH_SOCK: '' } });
    return { run, text: output(run), ...proxy.counters() };
  }

  beforeAll(async () => {
    const env = readLabEnv();
    proxy = await TcpProxy.start({ host: env.NX_SLURM_LAB_HOST, port: Number(env.NX_SLURM_LAB_PORT) }, { delayMs: 25 });
    // the lab's host key, on record for the proxy's address
    const knownHostsFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-round-trips-')), 'known_hosts');
    const labKeys = await readFile(env.NX_SLURM_LAB_KNOWN_HOSTS_FILE, 'utf8');
    await writeFile(
      knownHostsFile,
      labKeys.replaceAll(`[${env.NX_SLURM_LAB_HOST}]:${env.NX_SLURM_LAB_PORT}`, `[127.0.0.1]:${proxy.port}`),
    );

    // the fewest of two bare connections: the handshake without the host-keys notice's race
    const handshakes: number[] = [];
    for (const _ of [1, 2]) {
      proxy.resetCounters();
      await (await connectSsh(labConnection({ port: proxy.port, knownHostsFile }))).close();
      handshakes.push(proxy.counters().roundTrips);
    }
    handshake = Math.min(...handshakes);

    ws = await sweepWorkspace(
      'round-trips',
      experiment(
        'exp',
        'exp',
        { cluster: 'far', jobName, command: 'true', args: ['--n 0', '--n 1', '--n 2', '--n 3'] },
        // about 0.9 MB once gzipped: a bundle the size of a real experiment's
        { 'weights.txt': randomBytes(900_000).toString('base64') },
      ),
      { far: labProfile({ host: '127.0.0.1', port: proxy.port, knownHostsFile }) },
    );
  });
  afterAll(async () => {
    await ws?.nx(['run', 'exp:slurm-cancel']);
    await proxy?.close();
  });

  it('launches in one command: one connection, 3 round trips after the handshake', async () => {
    const launch = await counted('run', 'exp:slurm-submit');

    expect(launch.run.code).toBe(0);
    expect(submittedJobs(launch.text)).toHaveLength(1);
    expect(launch.connections).toBe(1);
    expect(launch.bytesUp).toBeGreaterThan(800_000);
    expect(launch.roundTrips - handshake).toBeLessThanOrEqual(LAUNCH_ROUND_TRIPS + HOST_KEYS_NOTICE + WINDOW_GRANT);
    process.stdout.write(
      `[figures] first launch: ${JSON.stringify({ ...launch, run: undefined, text: undefined, handshake })}\n`,
    );
  });

  it('relaunches unchanged code in one command without sending a bundle byte', async () => {
    const relaunch = await counted('run', 'exp:slurm-submit', '--force');

    expect(relaunch.run.code).toBe(0);
    expect(submittedJobs(relaunch.text)).toHaveLength(1);
    expect(relaunch.text).toMatch(/code unchanged on far: no bundle uploaded/);
    expect(relaunch.connections).toBe(1);
    expect(relaunch.bytesUp).toBeLessThan(50_000);
    expect(relaunch.roundTrips - handshake).toBeLessThanOrEqual(LAUNCH_ROUND_TRIPS + HOST_KEYS_NOTICE);
    process.stdout.write(`[figures] relaunch: ${JSON.stringify({ ...relaunch, run: undefined, text: undefined })}\n`);
  });

  it('asks for the status of an unfinished run in one command', async () => {
    const status = await counted('run', 'exp:slurm-status');

    expect(status.run.code).toBe(0);
    expect(status.text).toMatch(new RegExp(`${jobName}: \\d+/4 done`));
    expect(status.connections).toBe(1);
    expect(status.roundTrips - handshake).toBeLessThanOrEqual(STATUS_ROUND_TRIPS + HOST_KEYS_NOTICE + STDIN_END);
    process.stdout.write(`[figures] status: ${JSON.stringify({ ...status, run: undefined, text: undefined })}\n`);
  });

  it('asks for the status of several sweeps (nx run-many) in one command over one connection', async () => {
    await writeFiles(
      ws.dir,
      experiment('exp2', 'exp2', { cluster: 'far', jobName: `${jobName}-2`, command: 'true', args: ['--n 0'] }, {}),
    );
    // both sweeps unfinished in their ledgers, so both need the cluster's word
    expect((await counted('run', 'exp2:slurm-submit')).run.code).toBe(0);
    expect((await counted('run', 'exp:slurm-submit', '--force')).run.code).toBe(0);

    const statuses = await counted('run-many', '-t', 'slurm-status', '-p', 'exp', 'exp2', '--output-style=static');

    expect(statuses.run.code).toBe(0);
    expect(statuses.text).toMatch(new RegExp(`${jobName}: \\d+/4 done`));
    expect(statuses.text).toMatch(new RegExp(`${jobName}-2: \\d+/1 done`));
    expect(statuses.connections).toBe(1);
    // both sweeps' unfinished indices in one poll
    expect(statuses.roundTrips - handshake).toBeLessThanOrEqual(STATUS_ROUND_TRIPS + HOST_KEYS_NOTICE + STDIN_END);
  });
});
