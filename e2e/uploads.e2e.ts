/**
 * Uploads never leave litter on the cluster (issue 11, item 7): a stale partial upload is swept
 * at the next launch, a full disk is named with its free space and leaves nothing behind, and
 * Ctrl-C during an upload removes the partial file and does not claim that a job runs.
 * The full disk is a small tmpfs this test mounts on its own remoteRoot (and unmounts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readLabEnv, waitFor } from './support/cluster';
import {
  experiment,
  knownHostsThrough,
  labProfile,
  output,
  remoteHome,
  submittedJobs,
  sweepWorkspace,
} from './support/sweeps';
import { TcpProxy } from './support/tcp-proxy';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

const LAB_UID = () => Number(execFileSync('id', ['-u', readLabEnv().NX_SLURM_LAB_USER], { encoding: 'utf8' }).trim());

describe('uploads leave no litter', () => {
  let ws: Workspace;
  let proxy: TcpProxy;
  const home = remoteHome();
  const tag = randomBytes(4).toString('hex');
  const roots = { lab: `nx-slurm-e2e/up-${tag}`, full: `nx-slurm-e2e/full-${tag}`, slow: `nx-slurm-e2e/slow-${tag}` };
  const incoming = (root: string) => path.join(home, root, 'incoming');
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    const env = readLabEnv();
    proxy = await TcpProxy.start(
      { host: env.NX_SLURM_LAB_HOST, port: Number(env.NX_SLURM_LAB_PORT) },
      { bitsPerSecond: 800_000 },
    );
    const full = path.join(home, roots.full);
    mkdirSync(full, { recursive: true });
    const uid = LAB_UID();
    execFileSync('mount', [
      '-t',
      'tmpfs',
      '-o',
      `size=256k,uid=${uid},gid=${uid},mode=0755`,
      `nx-slurm-e2e-${tag}`,
      full,
    ]);
    ws = await sweepWorkspace(
      'uploads',
      {
        ...experiment('experiments/small', 'small', { command: '/bin/echo small', args: ['--n 0'] }, {}),
        ...experiment(
          'experiments/heavy',
          'heavy',
          { command: '/bin/echo heavy', args: ['--n 0'] },
          { 'weights.bin': randomBytes(1024 * 1024).toString('base64') },
        ),
      },
      {
        lab: labProfile({ remoteRoot: `~/${roots.lab}` }),
        full: labProfile({ remoteRoot: `~/${roots.full}` }),
        slow: labProfile({
          remoteRoot: `~/${roots.slow}`,
          port: proxy.port,
          knownHostsFile: await knownHostsThrough(proxy.port),
        }),
      },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    execFileSync('umount', [path.join(home, roots.full)]);
    rmSync(path.join(home, roots.full), { recursive: true, force: true });
  });

  it('sweeps a stale partial upload at the next launch', async () => {
    const first = await nx('run', 'small:slurm-array');
    expect(first.code).toBe(0);
    const stale = path.join(incoming(roots.lab), `${'0'.repeat(64)}.dead.tar.gz`);
    writeFileSync(stale, 'partial');
    execFileSync('chown', [`${LAB_UID()}:${LAB_UID()}`, stale]);
    const longAgo = new Date(Date.now() - 3 * 3600_000);
    utimesSync(stale, longAgo, longAgo);
    const fresh = path.join(incoming(roots.lab), `${'1'.repeat(64)}.busy.tar.gz`);
    writeFileSync(fresh, 'another launch is writing this');

    const second = await nx('run', 'heavy:slurm-array');
    expect(second.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    rmSync(fresh);
  });

  it('names a full disk with its free space, leaves no partial file, and says the same next time', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const run = await nx('run', 'heavy:slurm-array', '--cluster=full');
      const text = output(run);
      expect(run.code).not.toBe(0);
      expect(text).toMatch(
        new RegExp(`no space left on full \\(~/${roots.full}: \\d+ bytes free; the upload needs \\d+ bytes\\)`),
      );
      expect(text).not.toMatch(/: Failure\b/);
      expect(submittedJobs(text)).toEqual([]);
      expect(readdirSync(incoming(roots.full))).toEqual([]);
    }
  });

  it('Ctrl-C during an upload removes the partial file and does not say a job runs', async () => {
    const launch = ws.startNx(['run', 'heavy:slurm-array', '--cluster=slow']);
    const partial = await waitFor(
      () => {
        const dir = incoming(roots.slow);
        const files = existsSync(dir) ? readdirSync(dir) : [];
        return files.find((f) => statSync(path.join(dir, f)).size > 0);
      },
      { what: 'the upload to begin', timeoutMs: 60_000 },
    );
    launch.signal('SIGINT');
    await launch.exited;
    const seen = launch.output();
    expect(seen).toMatch(/interrupted before anything was submitted/);
    expect(seen).not.toMatch(/keeps running/);
    expect(existsSync(path.join(incoming(roots.slow), partial))).toBe(false);
    expect(readdirSync(incoming(roots.slow))).toEqual([]);
  });
});
