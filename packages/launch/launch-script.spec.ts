import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTarballFromEntries } from '../bundle';
import { launchArgs, launchStdin, parseProbe, parseSubmitted, type LaunchPayload } from './launch-script';
import { LAUNCH } from './remote-scripts';

describe('LAUNCH: probe, install, create the run and submit in one command', () => {
  let dir: string;
  let home: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-launch-'));
    home = join(dir, 'home of user');
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the script as runRemoteScript does on the cluster (`bash -c BODY nx-slurm args...`), in the user's home. */
  function run(args: string[], stdin: Buffer[] = []) {
    const result = spawnSync('bash', ['-c', LAUNCH.body, 'nx-slurm', ...args], {
      cwd: home,
      env: { ...process.env, HOME: home },
      input: Buffer.concat(stdin),
    });
    return { code: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  }

  async function bundle(files: Record<string, string | Buffer>) {
    const { data, sha256 } = await createTarballFromEntries(
      Object.entries(files).map(([path, content]) => ({ path, data: content })),
    );
    return { data, sha256 };
  }

  async function payload(runDir: string, overrides: Partial<LaunchPayload> = {}): Promise<LaunchPayload> {
    const run = await createTarballFromEntries([{ path: 'job.sbatch', data: '#!/bin/bash\n', mode: 0o755 }], ['logs']);
    return {
      uploads: [],
      runDir,
      runTarball: run.data,
      offset: 0,
      arraySpec: '0-3,7',
      submitArgv: ['bash', '-c', 'echo "submitting $1" >&2; echo "4242;lab"', 'sbatch', 'job.sbatch'],
      ...overrides,
    };
  }

  const root = () => join(home, 'nx-slurm');
  const runDir = () => join(root(), 'runs', 'mlp', '20261208-101010-abcd');

  it('reports the expanded root and the bundles it has before it reads anything', () => {
    mkdirSync(join(root(), 'bundles', 'aaa'), { recursive: true });

    const result = run(launchArgs('~/nx-slurm', 'mlp', [], ['aaa', 'bbb']));

    expect(parseProbe(result.stdout, false)).toEqual({ root: root(), hasRuns: false, present: new Set(['aaa']) });
    // stdin ended before any field: nothing created beyond the root's folders
    expect(result.code).not.toBe(0);
    expect(readdirSync(root()).sort()).toEqual(['bundles', 'incoming', 'runs']);
  });

  it('says whether the job has run folders to recover from', () => {
    mkdirSync(join(root(), 'runs', 'mlp', 'r1'), { recursive: true });
    expect(parseProbe(run(launchArgs('~/nx-slurm', 'mlp', [], [])).stdout, false)?.hasRuns).toBe(false);
    writeFileSync(join(root(), 'runs', 'mlp', 'r1', 'meta.json'), '{}');
    expect(parseProbe(run(launchArgs('~/nx-slurm', 'mlp', [], [])).stdout, false)?.hasRuns).toBe(true);
    expect(parseProbe(run(launchArgs('~/nx-slurm', 'other', [], [])).stdout, false)?.hasRuns).toBe(false);
  });

  it('runs the limits command only when asked, with its exit code', () => {
    const asked = run(launchArgs('~/nx-slurm', 'mlp', ['bash', '-c', 'echo MaxArraySize = 5001; exit 0'], []));
    expect(parseProbe(asked.stdout, true)?.limits).toEqual({ stdout: 'MaxArraySize = 5001', code: 0 });

    const failing = run(launchArgs('~/nx-slurm', 'mlp', ['bash', '-c', 'exit 7'], []));
    expect(parseProbe(failing.stdout, true)?.limits).toEqual({ stdout: '', code: 7 });
  });

  it('installs the uploads, creates the run folder, submits and records the job', async () => {
    const code = await bundle({ 'train.py': 'print(1)\n' });
    const library = await bundle({ 'lib.py': 'x = 1\n' });
    mkdirSync(join(root(), 'bundles', library.sha256), { recursive: true });

    const result = run(
      launchArgs(root(), 'mlp', [], [code.sha256, library.sha256]),
      launchStdin(await payload(runDir(), { uploads: [code] })),
    );

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(parseSubmitted(result.stdout)).toEqual({ stdout: '4242;lab', stderr: 'submitting job.sbatch', code: 0 });
    expect(readFileSync(join(root(), 'bundles', code.sha256, 'train.py'), 'utf8')).toBe('print(1)\n');
    expect(readdirSync(join(root(), 'incoming'))).toEqual([]);
    expect(readdirSync(runDir()).sort()).toEqual(['job.sbatch', 'jobs', 'logs']);
    expect(readFileSync(join(runDir(), 'jobs'), 'utf8')).toBe('4242 0 0-3,7\n');
  });

  it('reads several uploads back to back from one stream, binary and large', async () => {
    const big = await bundle({ 'weights.bin': randomBytes(1_500_000) });
    const small = await bundle({ 'a.py': 'a' });

    const result = run(
      launchArgs(root(), 'mlp', [], [big.sha256, small.sha256]),
      launchStdin(await payload(runDir(), { uploads: [big, small] })),
    );

    expect(result.code).toBe(0);
    expect(readdirSync(join(root(), 'bundles')).sort()).toEqual([big.sha256, small.sha256].sort());
  });

  it('refuses a corrupted upload before creating the run: exit 3, nothing left', async () => {
    const code = await bundle({ 'train.py': 'print(1)\n' });
    const corrupted = { sha256: code.sha256, data: Buffer.from(code.data).fill(0, 20, 30) };

    const result = run(
      launchArgs(root(), 'mlp', [], [code.sha256]),
      launchStdin(await payload(runDir(), { uploads: [corrupted] })),
    );

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`nx-slurm: upload of bundle ${code.sha256} arrived corrupted\n`);
    expect(readdirSync(join(root(), 'bundles'))).toEqual([]);
    expect(readdirSync(join(root(), 'incoming'))).toEqual([]);
    expect(existsSync(runDir())).toBe(false);
  });

  it('refuses to create a run whose bundle is neither installed nor uploaded: exit 4', async () => {
    const result = run(launchArgs(root(), 'mlp', [], ['ccc']), launchStdin(await payload(runDir())));

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('bundle ccc is not installed');
    expect(existsSync(runDir())).toBe(false);
  });

  it('never touches an existing run folder', async () => {
    mkdirSync(runDir(), { recursive: true });
    writeFileSync(join(runDir(), 'job.sbatch'), 'the first run');

    const result = run(launchArgs(root(), 'mlp', [], []), launchStdin(await payload(runDir())));

    expect(result.code).not.toBe(0);
    expect(parseSubmitted(result.stdout)).toBeUndefined();
    expect(readFileSync(join(runDir(), 'job.sbatch'), 'utf8')).toBe('the first run');
  });

  it('reports a refused submit with its code and records no job', async () => {
    const refused = await payload(runDir(), { submitArgv: ['bash', '-c', 'echo "Invalid partition" >&2; exit 1'] });

    const result = run(launchArgs(root(), 'mlp', [], []), launchStdin(refused));

    expect(result.code).toBe(0);
    expect(parseSubmitted(result.stdout)).toEqual({ stdout: '', stderr: 'Invalid partition', code: 1 });
    expect(existsSync(join(runDir(), 'jobs'))).toBe(false);
  });

  it('creates the run without submitting when there is no submit command (the local scheduler)', async () => {
    const result = run(launchArgs(root(), 'mlp', [], []), launchStdin(await payload(runDir(), { submitArgv: [] })));

    expect(result.code).toBe(0);
    expect(parseSubmitted(result.stdout)).toBeUndefined();
    expect(readdirSync(runDir()).sort()).toEqual(['job.sbatch', 'logs']);
  });

  it('passes every byte of its fields through: spaces, quotes, $, newlines in paths and words', async () => {
    const strange = join(root(), 'runs', `it's "$(x)"`, 'a\nb c');
    const echo = ['bash', '-c', 'printf "%s|" "$@"', 'sbatch', '$HOME', '`id`', 'two words'];

    const result = run(launchArgs(root(), 'mlp', [], []), launchStdin(await payload(strange, { submitArgv: echo })));

    expect(result.code).toBe(0);
    expect(parseSubmitted(result.stdout)?.stdout).toBe('$HOME|`id`|two words|');
    expect(readdirSync(strange)).toContain('job.sbatch');
  });

  it('refuses a field with a NUL byte: it would end the field early', async () => {
    await expect(payload('/a\0b').then(launchStdin)).rejects.toThrow(/NUL/);
  });
});

describe('parseProbe', () => {
  it('keeps empty values', () => {
    expect(parseProbe('\0nx-slurm:root\0/r\0\0nx-slurm:present\0\0', false)).toEqual({
      root: '/r',
      hasRuns: false,
      present: new Set(),
    });
  });
});
