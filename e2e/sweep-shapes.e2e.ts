/**
 * The shapes a sweep takes on the real cluster over SSH: split past MaxArraySize, one array per
 * index without batching, a sweep given as target options, and arguments and env values
 * delivered byte for byte.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './support/cluster';
import {
  experiment,
  labProfile,
  ledgerOf,
  output,
  runDirOf,
  sacct,
  submittedJobs,
  sweepWorkspace,
} from './support/sweeps';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(180_000);

const ECHO_PY = `import json, os, sys
with open(os.path.join(os.environ["NX_SLURM_OUTPUT_DIR"], "argv.json"), "w", encoding="utf-8") as f:
    json.dump({"argv": sys.argv[1:], "env": os.environ.get("HOSTILE")}, f, ensure_ascii=False)
`;
const HOSTILE = [
  'two words',
  `it's "quoted"`,
  '$(touch /tmp/nx-slurm-pwned)',
  '`id`',
  'a;b && c | d > e',
  'line1\nline2',
  'tab\there',
  'naïve ☃ 日本',
  '',
  '\\back\\slash\\',
  '*',
  'x'.repeat(10 * 1024),
];

describe('sweep shapes on the real cluster over SSH', () => {
  let ws: Workspace;
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    ws = await sweepWorkspace(
      'shapes',
      {
        ...experiment(
          'experiments/hostile',
          'hostile',
          {
            command: 'python3 echo.py',
            args: [Object.fromEntries(HOSTILE.map((s, i) => [`s${i}`, s]))],
            env: { HOSTILE: HOSTILE.slice(0, 10).join('|') },
          },
          { 'echo.py': ECHO_PY },
        ),
        ...experiment(
          'experiments/chunked',
          'chunked',
          {
            command: 'python3 echo.py',
            args: ['--n 0', '--n 1', '--n 2', '--n 3', '--n 4', '--n 5'],
            cluster: 'lab-small',
          },
          { 'echo.py': ECHO_PY },
        ),
        'experiments/inline/project.json': {
          name: 'inline',
          targets: {
            sweep: {
              executor: 'nx-slurm:array',
              options: { command: 'python3 echo.py', args: ['--n 0', '--n 1', '--n 2'], jobName: 'inline-sweep' },
            },
          },
        },
        'experiments/inline/echo.py': ECHO_PY,
        ...experiment(
          'experiments/unbatched',
          'unbatched',
          { command: 'python3 echo.py', args: ['--n 0', '--n 1'] },
          { 'echo.py': ECHO_PY },
        ),
      },
      { 'lab-small': labProfile({ maxArraySize: 4 }) },
    );
  });

  it('splits a sweep past MaxArraySize into arrays whose indices still count from the sweep', async () => {
    const run = await nx('run', 'chunked:slurm-array');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(/submitted job \S+ \(4 index\(es\)\)/);
    expect(text).toMatch(/submitted job \S+ \(2 index\(es\)\)/);
    const [, second] = submittedJobs(text);
    const rows = await waitFor(
      () => {
        const found = sacct(second);
        return found.length === 2 && found.every((r) => r.state === 'COMPLETED') && found;
      },
      { what: `both elements of job ${second} in sacct`, timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.jobId).sort()).toEqual([`${second}_0`, `${second}_1`]);
    for (const index of [4, 5]) {
      const { runDir } = runDirOf(ws, 'chunked', index, 'lab-small');
      const echoed = JSON.parse(readFileSync(path.join(runDir, 'out', String(index), 'argv.json'), 'utf8'));
      expect(echoed.argv).toEqual(['--n', String(index)]);
      expect(readFileSync(path.join(runDir, 'logs', `${index}.out`), 'utf8')).toBe('');
    }
  });

  it('works without batching: one array per index task', async () => {
    const run = await nx('run', 'unbatched:slurm-array', '--batch=false');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(submittedJobs(text)).toHaveLength(2);
    expect(Object.keys(ledgerOf(ws, 'unbatched').entries)).toHaveLength(2);
  });

  it('runs a sweep given as the options of an nx-slurm:array target as one Nx task, with a table', async () => {
    const run = await nx('run', 'inline:sweep');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(submittedJobs(text)).toHaveLength(1);
    expect(text).toMatch(/index\s+arguments\s+state\s+exit\s+elapsed\s+node\s+job/);
    for (const i of [0, 1, 2]) expect(text).toMatch(new RegExp(`\\n${i}\\s+--n ${i}\\s+COMPLETED\\s+0`));
    expect(text).toMatch(/Successfully ran target sweep for project inline/);
  });

  it('delivers every argument and env value byte for byte, never through a shell', async () => {
    rmSync('/tmp/nx-slurm-pwned', { force: true });
    const run = await nx('run', 'hostile:slurm-array');
    expect(run.code).toBe(0);
    const { runDir } = runDirOf(ws, 'hostile', 0);
    const echoed = JSON.parse(readFileSync(path.join(runDir, 'out/0/argv.json'), 'utf8'));
    expect(echoed.argv).toEqual(HOSTILE.flatMap((s, i) => [`--s${i}`, s]));
    expect(echoed.env).toBe(HOSTILE.slice(0, 10).join('|'));
    expect(existsSync('/tmp/nx-slurm-pwned')).toBe(false);
  });
});
