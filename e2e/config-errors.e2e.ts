/**
 * Bad input is refused before anything connects: each error names the file, the field, what was
 * expected and what was found, and the lab cluster, reached through a forwarder of this file's
 * own, sees no connection. An unknown host key is refused.
 */
import * as path from 'node:path';
import { readLabEnv } from './support/cluster';
import {
  experiment,
  knownHostsThrough,
  labProfile,
  output,
  submittedJobs,
  sweepWorkspace,
  writeFiles,
} from './support/sweeps';
import { TcpProxy } from './support/tcp-proxy';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

describe('bad configuration fails fast', () => {
  const valid = { command: 'python3 -c pass', args: ['--a 1'] };
  let ws: Workspace;
  // counts the connections this file's runs open to the lab (other files share its sshd)
  let forwarder: TcpProxy;
  beforeAll(async () => {
    const env = readLabEnv();
    forwarder = await TcpProxy.start({ host: env.NX_SLURM_LAB_HOST, port: Number(env.NX_SLURM_LAB_PORT) });
    const knownHostsFile = await knownHostsThrough(forwarder.port);
    ws = await sweepWorkspace('errors', experiment('experiments/ok', 'ok', valid, {}), {
      lab: labProfile({ port: forwarder.port, knownHostsFile }),
    });
  });
  afterAll(() => forwarder?.close());

  const expectRefusedWithoutConnecting = async (slurm: object, message: RegExp) => {
    await writeFiles(ws.dir, { 'experiments/ok/slurm.json': slurm });
    forwarder.resetCounters();
    const run = await ws.nx(['run', 'ok:slurm-array']);
    expect(run.code).not.toBe(0);
    expect(output(run)).toMatch(message);
    expect(forwarder.counters().connections).toBe(0);
  };

  it('a valid sweep reaches the lab through the forwarder (what the counts below rely on)', async () => {
    await writeFiles(ws.dir, { 'experiments/ok/slurm.json': valid });
    forwarder.resetCounters();
    const run = await ws.nx(['run', 'ok:slurm-array']);
    expect(run.code).toBe(0);
    expect(submittedJobs(output(run))).toHaveLength(1);
    expect(forwarder.counters().connections).toBeGreaterThan(0);
  });

  it('a field of the wrong type', () =>
    expectRefusedWithoutConnecting(
      { command: 'python3 -c pass', matrix: { lr: [0.1, null] } },
      /experiments\/ok\/slurm\.json: matrix\.lr\[1\]: expected a number, string or boolean, found null/,
    ));

  it('an unknown cluster', () =>
    expectRefusedWithoutConnecting(
      { command: 'python3 -c pass', args: ['--a 1'], cluster: 'lav' },
      /cluster: expected a known cluster \(local, lab\), found "lav"[\s\S]*did you mean "lab"/,
    ));

  it('an empty sweep', () =>
    expectRefusedWithoutConnecting(
      { command: 'python3 -c pass', matrix: { lr: [0.1], exclude: [{ lr: 0.1 }] } },
      /experiments\/ok\/slurm\.json: matrix: expected at least one argument vector/,
    ));

  it('an unknown host key', async () => {
    await writeFiles(ws.dir, {
      'experiments/ok/slurm.json': { command: 'python3 -c pass', args: ['--a 1'], cluster: 'stranger' },
      'nx.json': {
        analytics: false,
        plugins: [
          {
            plugin: 'nx-slurm',
            options: {
              clusters: {
                lab: labProfile(),
                stranger: labProfile({ knownHostsFile: path.join(ws.dir, 'no_known_hosts') }),
              },
            },
          },
        ],
      },
    });
    const run = await ws.nx(['run', 'ok:slurm-array']);
    expect(run.code).not.toBe(0);
    expect(output(run)).toMatch(/The host key of \[127\.0\.0\.1\]:2222 is not known[\s\S]*SHA256:/);
    expect(output(run)).not.toMatch(/submitted job/);
  });
});
