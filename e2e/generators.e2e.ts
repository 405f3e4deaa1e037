/**
 * The first ten minutes of a new user, from the packed plugin: init, an experiment, a cluster
 * profile checked against the real test cluster, then the generated sweep on `local` and on
 * the cluster over SSH.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readLabEnv } from './support/cluster';
import { output, submittedJobs } from './support/sweeps';
import { createWorkspace, type Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(180_000);

describe('generators in a fresh workspace', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace('generators');
  });

  it('nx g nx-slurm:experiment creates a sweep that runs at once on local', async () => {
    const generate = await ws.nx(['g', 'nx-slurm:experiment', 'mnist']);
    expect(generate.code).toBe(0);
    const nxJson = JSON.parse(await readFile(path.join(ws.dir, 'nx.json'), 'utf8'));
    expect(nxJson.plugins.map((p: { plugin: string }) => p.plugin)).toEqual(['nx-slurm']);

    const run = await ws.nx(['run', 'mnist:slurm-array']);
    expect(run.code).toBe(0);
    expect(output(run)).toMatch(/mnist: 6\/6 done/);
    const status = await ws.nx(['run', 'mnist:slurm-status']);
    expect(status.stdout).toMatch(/\n5\s+--learning_rate 0\.1 --batch_size 64\s+COMPLETED/);
    const metricsDir = path.join(ws.dir, '.nx-slurm/local/runs/mnist');
    const [runId] = await readdir(metricsDir);
    const metrics = JSON.parse(await readFile(path.join(metricsDir, runId, 'out/0/metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ index: 0 });
  });

  it('nx g nx-slurm:cluster --check reports the real cluster, and the sweep runs there over SSH', async () => {
    const env = readLabEnv();
    const check = await ws.nx([
      'g',
      'nx-slurm:cluster',
      'lab',
      `--host=${env.NX_SLURM_LAB_HOST}`,
      `--port=${env.NX_SLURM_LAB_PORT}`,
      `--user=${env.NX_SLURM_LAB_USER}`,
      `--identity-file=${env.NX_SLURM_LAB_IDENTITY_FILE}`,
      `--known-hosts-file=${env.NX_SLURM_LAB_KNOWN_HOSTS_FILE}`,
      `--remote-root=~/nx-slurm-e2e/generators-${process.pid}`,
      '--check',
    ]);
    const text = output(check);
    expect(check.code).toBe(0);
    expect(text).toMatch(/Slurm\s+22\.05/);
    expect(text).toMatch(/Partitions\s+debug \(default\)/);
    expect(text).toMatch(/MaxArraySize\s+\d+/);
    expect(text).toMatch(/sacct\s+works/);

    const run = await ws.nx(['run', 'mnist:slurm-array', '--cluster=lab']);
    expect(run.code).toBe(0);
    expect(submittedJobs(output(run))).toHaveLength(1);
    expect(output(run)).toMatch(/mnist: 6\/6 done/);
  });

  it('--check fails with the fingerprint when the host key is unknown, keeping the profile', async () => {
    const env = readLabEnv();
    const check = await ws.nx([
      'g',
      'nx-slurm:cluster',
      'stranger',
      `--host=${env.NX_SLURM_LAB_HOST}`,
      `--port=${env.NX_SLURM_LAB_PORT}`,
      `--user=${env.NX_SLURM_LAB_USER}`,
      `--identity-file=${env.NX_SLURM_LAB_IDENTITY_FILE}`,
      `--known-hosts-file=${path.join(ws.dir, 'empty_known_hosts')}`,
      '--check',
    ]);
    expect(check.code).not.toBe(0);
    expect(output(check)).toMatch(/not known[\s\S]*SHA256:[A-Za-z0-9+/]{43}/);
    const nxJson = JSON.parse(await readFile(path.join(ws.dir, 'nx.json'), 'utf8'));
    expect(Object.keys(nxJson.plugins[0].options.clusters)).toEqual(['lab', 'stranger']);
  });
});
