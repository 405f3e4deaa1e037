/**
 * Bad input is refused before anything connects: each error names the file, the field, what was
 * expected and what was found, and the lab's sshd sees no login. An unknown host key is refused.
 */
import * as path from 'node:path';
import { experiment, labProfile, output, sshLogins, sweepWorkspace, writeFiles } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(300_000);

describe('bad configuration fails fast', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await sweepWorkspace(
      'errors',
      experiment('experiments/ok', 'ok', { command: 'python3 -c pass', args: ['--a 1'] }, {}),
    );
  });

  const expectRefusedWithoutConnecting = async (slurm: object, message: RegExp) => {
    await writeFiles(ws.dir, { 'experiments/ok/slurm.json': slurm });
    const before = await sshLogins();
    const run = await ws.nx(['run', 'ok:slurm-array']);
    expect(run.code).not.toBe(0);
    expect(output(run)).toMatch(message);
    expect(await sshLogins()).toBe(before);
  };

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
