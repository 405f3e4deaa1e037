/**
 * Bad input and unsafe files, tried as an adversarial user would (issue 11, items 10-12 and
 * 15-20), in one workspace: each mistake is refused with the file, the field, what was expected
 * and what was found, printed once, before anything connects; a broken project breaks only
 * itself; nothing from outside the workspace and no secret-looking file is shipped unasked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLabEnv } from './support/cluster';
import {
  experiment,
  knownHostsThrough,
  labProfile,
  output,
  sacct,
  submittedJobs,
  sweepWorkspace,
  writeFiles,
} from './support/sweeps';
import { TcpProxy } from './support/tcp-proxy';
import type { RunResult, Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

/** How often `pattern` occurs in the command's output. */
const occurrences = (run: RunResult, pattern: RegExp) =>
  (output(run).match(new RegExp(pattern.source, 'g')) ?? []).length;

/** The paths inside a .tar.gz. */
const tarList = (file: string) => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);

describe('bad input and unsafe files', () => {
  let ws: Workspace;
  /** A folder beside the workspace, holding what must never be shipped. */
  let outside: string;
  // counts the connections this file's runs open to the lab (other files share its sshd)
  let forwarder: TcpProxy;
  let lab: Record<string, unknown>;
  const nx = (...args: string[]) => ws.nx(args);
  /** The connections `work` opened to the lab. */
  const connectionsDuring = async (work: () => Promise<void>) => {
    forwarder.resetCounters();
    await work();
    return forwarder.counters().connections;
  };

  beforeAll(async () => {
    const env = readLabEnv();
    forwarder = await TcpProxy.start({ host: env.NX_SLURM_LAB_HOST, port: Number(env.NX_SLURM_LAB_PORT) });
    lab = labProfile({ port: forwarder.port, knownHostsFile: await knownHostsThrough(forwarder.port) });
    outside = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-e2e-outside-'));
    writeFileSync(path.join(outside, 'id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n');
    ws = await sweepWorkspace(
      'bad-input',
      {
        ...experiment(
          'experiments/good',
          'good',
          { command: 'python3 -c pass', args: ['--a 0', '--a 1', '--a 2'] },
          {},
        ),
        'experiments/inline/project.json': {
          name: 'inline',
          targets: {
            typed: { executor: 'nx-slurm:array', options: { command: 'python3 -c pass', maxConcurrent: 'two' } },
            misspelt: { executor: 'nx-slurm:array', options: { command: 'python3 -c pass', maxConcurent: 2 } },
          },
        },
        ...experiment('experiments/broken', 'broken', { command: 'python3 -c pass', matrix: { lr: 'fast' } }, {}),
        'experiments/other/project.json': {
          name: 'other',
          targets: { build: { executor: 'nx:run-commands', options: { command: 'echo other built' } } },
        },
        ...experiment('experiments/twin-a', 'twin-a', { command: 'python3 -c pass', jobName: 'twin' }, {}),
        ...experiment('experiments/twin-b', 'twin-b', { command: 'python3 -c pass', jobName: 'twin' }, {}),
        ...experiment('experiments/empty-matrix', 'empty-matrix', { command: 'python3 -c pass', matrix: {} }, {}),
        ...experiment(
          'experiments/nothing',
          'nothing',
          { command: 'python3 -c pass', exclude: ['**'] },
          { 'a.py': '' },
        ),
        ...experiment('experiments/escape', 'escape', { command: 'python3 -c pass', libraries: ['../outside'] }, {}),
        ...experiment(
          'experiments/secrets',
          'secrets',
          { command: 'python3 -c pass', include: ['.env.example'], libraries: ['libs/linked'] },
          {
            'train.py': 'print(1)\n',
            '.env': 'TOKEN=1\n',
            '.env.local': 'TOKEN=2\n',
            '.env.example': 'TOKEN=\n',
            id_rsa: 'key\n',
            'certs/server.pem': 'pem\n',
            '.npmrc': '//registry/:_authToken=x\n',
            'conf/.netrc': 'machine x password y\n',
          },
        ),
      },
      { lab },
    );
    // a symlink to a key outside the workspace, and a library folder that is one
    symlinkSync(path.join(outside, 'id_ed25519'), path.join(ws.dir, 'experiments/secrets/deploy-key'));
    mkdirSync(path.join(ws.dir, 'libs'));
    symlinkSync(outside, path.join(ws.dir, 'libs/linked'));
  });
  afterAll(async () => {
    await forwarder?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('executor options in project.json are validated like slurm.json, each error printed once (10)', async () => {
    const typed = await nx('run', 'inline:typed');
    expect(typed.code).not.toBe(0);
    const message =
      /experiments\/inline\/project\.json \(target typed\): maxConcurrent: expected a number, found "two"/;
    expect(output(typed)).toMatch(message);
    expect(occurrences(typed, message)).toBe(1);
    expect(output(typed)).not.toMatch(/UnhandledPromiseRejection|SchemaError|\n\s+at /);

    const misspelt = await nx('run', 'inline:misspelt');
    expect(misspelt.code).not.toBe(0);
    expect(output(misspelt)).toMatch(
      /experiments\/inline\/project\.json \(target misspelt\): maxConcurent: expected one of the keys [^\n]*found an unknown key; did you mean "maxConcurrent"\?/,
    );
    expect(output(misspelt)).not.toMatch(/UnhandledPromiseRejection|SchemaError|\n\s+at /);
  });

  it('one bad slurm.json breaks only its own project (11)', async () => {
    const projects = await nx('show', 'projects');
    expect(projects.code).toBe(0);
    expect(projects.stdout.split('\n')).toEqual(expect.arrayContaining(['broken', 'good', 'other']));

    const other = await nx('run', 'other:build');
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('other built');

    const broken = await nx('run', 'broken:slurm-array');
    expect(broken.code).not.toBe(0);
    const message = /experiments\/broken\/slurm\.json: matrix\.lr: expected an array, found "fast"/;
    expect(output(broken)).toMatch(message);
    expect(occurrences(broken, message)).toBe(1);
    const status = await nx('run', 'broken:slurm-status');
    expect(status.code).not.toBe(0);
    expect(output(status)).toMatch(message);
  });

  it('a duplicate jobName is refused, naming both projects (20)', async () => {
    const run = await nx('run', 'twin-a:slurm-array');
    expect(run.code).not.toBe(0);
    expect(output(run)).toMatch(
      /jobName "twin" is used by both twin-a \(experiments\/twin-a\/slurm\.json\) and twin-b \(experiments\/twin-b\/slurm\.json\)/,
    );
    expect(submittedJobs(output(run))).toEqual([]);
  });

  it('--index is range-checked everywhere (12)', async () => {
    const connections = await connectionsDuring(async () => {
      for (const target of ['slurm-array', 'slurm-logs', 'slurm-cancel', 'slurm-submit']) {
        const run = await nx('run', `good:${target}`, '--index', '5');
        expect(run.code).not.toBe(0);
        expect(output(run)).toMatch(/good has indices 0-2; there is no index 5/);
      }
    });
    expect(connections).toBe(0);
  });

  it('--index runs and reports only the named index, and caches nothing for the others (12)', async () => {
    const run = await nx('run', 'good:slurm-array', '--index', '1');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(/submitted job \S+ \(1 index\(es\)\)/);
    expect(text).toMatch(/good\/1: COMPLETED/);
    expect(text).not.toMatch(/good\/[02]: COMPLETED/);
    const [jobId] = submittedJobs(text);
    expect(sacct(jobId).map((r) => r.jobId)).toEqual([expect.stringMatching(new RegExp(`^${jobId}(_1)?$`))]);

    const all = await nx('run', 'good:slurm-array');
    const allText = output(all);
    expect(all.code).toBe(0);
    expect(allText).toMatch(/submitted job \S+ \(2 index\(es\)\)/);
    for (const i of [0, 1, 2]) expect(allText).toMatch(new RegExp(`good/${i}: COMPLETED`));
  });

  it('"matrix": {} is refused; a bundle that excludes everything is warned about (17)', async () => {
    const empty = await nx('run', 'empty-matrix:slurm-array');
    expect(empty.code).not.toBe(0);
    expect(output(empty)).toMatch(/experiments\/empty-matrix\/slurm\.json: matrix: expected at least one parameter/);

    const nothing = await nx('run', 'nothing:slurm-bundle');
    expect(output(nothing)).toMatch(/the bundle of experiments\/nothing holds no file/);
  });

  it('libraries, includes and followed symlinks stay inside the workspace (18)', async () => {
    const connections = await connectionsDuring(async () => {
      const escape = await nx('run', 'escape:slurm-array');
      expect(escape.code).not.toBe(0);
      expect(output(escape)).toMatch(
        /experiments\/escape\/slurm\.json: libraries\[0\]: expected a folder inside the workspace, found "\.\.\/outside"/,
      );

      await writeFiles(ws.dir, {
        'experiments/escape/slurm.json': { command: 'python3 -c pass', include: ['../../outside/*'] },
      });
      const include = await nx('run', 'escape:slurm-array');
      expect(include.code).not.toBe(0);
      expect(output(include)).toMatch(
        /experiments\/escape\/slurm\.json: include\[0\]: expected a pattern inside the project/,
      );
    });
    expect(connections).toBe(0);

    const linked = await nx('run', 'secrets:slurm-bundle');
    expect(linked.code).not.toBe(0);
    expect(output(linked)).toMatch(
      /libraries\[0\]: expected a folder inside the workspace, found "libs\/linked" \(a symlink to /,
    );
  });

  it('secret-looking files are left out unless include names them, in one line (19)', async () => {
    await writeFiles(ws.dir, {
      'experiments/secrets/slurm.json': { command: 'python3 -c pass', include: ['.env.example'] },
    });
    const bundle = await nx('run', 'secrets:slurm-bundle', '--skip-nx-cache');
    expect(bundle.code).toBe(0);
    const text = output(bundle);
    expect(occurrences(bundle, /left out \d+ secret-looking file/)).toBe(1);
    expect(text).toMatch(
      /left out 6 secret-looking file\(s\) from the bundle of experiments\/secrets \(\.env, \.env\.local, \.npmrc, certs\/server\.pem, conf\/\.netrc, id_rsa\): name them in "include"/,
    );
    expect(text).toMatch(
      /left out deploy-key from the bundle of experiments\/secrets: a symlink to a file outside the workspace/,
    );
    const dist = path.join(ws.dir, 'dist/nx-slurm/experiments/secrets');
    const manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
    const tarball = path.join(dist, `project-${manifest.project.sha256.slice(0, 12)}.tar.gz`);
    expect(tarList(tarball).sort()).toEqual(['.env.example', 'train.py']);
  });

  it('a remoteRoot with ":" is refused before connecting (15)', async () => {
    await writeFiles(ws.dir, {
      'nx.json': {
        analytics: false,
        plugins: [
          {
            plugin: 'nx-slurm',
            options: { defaultCluster: 'lab', clusters: { lab: { ...lab, remoteRoot: '~/nx-slurm:e2e' } } },
          },
        ],
      },
    });
    const connections = await connectionsDuring(async () => {
      const run = await nx('run', 'good:slurm-array');
      expect(run.code).not.toBe(0);
      expect(output(run)).toMatch(
        /nx\.json: clusters\.lab\.remoteRoot: expected a path without ":"[^\n]*found "~\/nx-slurm:e2e"/,
      );
    });
    expect(connections).toBe(0);
  });
});
