import type { LedgerEntry } from './ledger';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newerThanLedger, parseRecoveredRuns } from './recover';
import { RECOVER_RUNS } from './remote-scripts';

const meta = (runId: string, indices: [number, string][]) =>
  JSON.stringify({
    runId,
    indices: indices.map(([index, fingerprint]) => ({ index, fingerprint, argv: [`--i`, String(index)] })),
  });
/** What RECOVER_RUNS prints for one run folder: its meta.json, then grep's lines over exit/. */
const run = (runDir: string, metaJson: string, exits: [string, string][]) =>
  `R\0${runDir}\0${metaJson}\0E\0${exits.map(([name, code]) => `./${name}:${code.trim()}\n`).join('')}\0`;

describe('parseRecoveredRuns', () => {
  it('turns exit markers into finished entries and skips indices without one', () => {
    const out = run(
      '/r/20260101-000000-aaaa',
      meta('20260101-000000-aaaa', [
        [0, 'fa'],
        [1, 'fb'],
        [2, 'fc'],
      ]),
      [
        ['0', '0\n'],
        ['1', '3\n'],
        ['2.123.tmp', '0\n'],
      ],
    );
    expect(parseRecoveredRuns(out)).toEqual([
      expect.objectContaining({
        fingerprint: 'fa',
        state: 'COMPLETED',
        exitCode: 0,
        runIndex: 0,
        runDir: '/r/20260101-000000-aaaa',
      }),
      expect.objectContaining({ fingerprint: 'fb', state: 'FAILED', exitCode: 3, runIndex: 1 }),
    ]);
  });

  it('keeps the newest run of a fingerprint', () => {
    const older = run('/r/20260101-000000-aaaa', meta('20260101-000000-aaaa', [[4, 'f']]), [['4', '3']]);
    const newer = run('/r/20260102-000000-bbbb', meta('20260102-000000-bbbb', [[4, 'f']]), [['4', '0']]);
    for (const out of [older + newer, newer + older]) {
      expect(parseRecoveredRuns(out)).toEqual([
        expect.objectContaining({ runId: '20260102-000000-bbbb', state: 'COMPLETED' }),
      ]);
    }
  });

  it('finds nothing in an empty answer', () => {
    expect(parseRecoveredRuns('')).toEqual([]);
  });
});

describe("parseRecoveredRuns with the run's jobs file", () => {
  const withJobs = (jobs: string) =>
    `R\0/r/20260103-000000-cccc\0${meta('20260103-000000-cccc', [
      [0, 'f0'],
      [1, 'f1'],
      [2, 'f2'],
      [5, 'f5'],
    ])}\0` + `E\0./0:0\n\0J\0${jobs}\0`;

  it('attaches to indices its jobs still run, with the job of their latest attempt', () => {
    const entries = parseRecoveredRuns(withJobs('300 0 0-2\n301 0 1\n302 4 1\n'));
    const byFingerprint = Object.fromEntries(entries.map((e) => [e.fingerprint, e]));
    expect(byFingerprint.f0).toMatchObject({ state: 'COMPLETED', jobId: '300', taskId: 0 });
    expect(byFingerprint.f1).toMatchObject({ state: 'PENDING', jobId: '301', taskId: 1, attempts: 2 });
    expect(byFingerprint.f2).toMatchObject({ state: 'PENDING', jobId: '300', taskId: 2, attempts: 1 });
    // index 5 ran as task 1 of an array offset by 4 (past MaxArraySize)
    expect(byFingerprint.f5).toMatchObject({ state: 'PENDING', jobId: '302', taskId: 1, offset: 4 });
  });
});

describe('RECOVER_RUNS on real run folders', () => {
  let runs: string;
  beforeEach(() => (runs = mkdtempSync(join(tmpdir(), 'nx-slurm-recover-'))));
  afterEach(() => rmSync(runs, { recursive: true, force: true }));

  it('reads every exit marker of a run with one grep, whatever their number', () => {
    const runDir = join(runs, '20260104-000000-dddd');
    mkdirSync(join(runDir, 'exit'), { recursive: true });
    const indices = Array.from({ length: 300 }, (_, i) => i);
    writeFileSync(
      join(runDir, 'meta.json'),
      meta(
        '20260104-000000-dddd',
        indices.map((i) => [i, `f${i}`]),
      ),
    );
    for (const i of indices) if (i % 3 !== 2) writeFileSync(join(runDir, 'exit', String(i)), `${i % 3}\n`);
    writeFileSync(join(runDir, 'exit', '2.4242.tmp'), '0\n');

    const out = spawnSync('bash', ['-c', RECOVER_RUNS.body, 'nx-slurm', runs], { encoding: 'utf8' });

    expect(out.status).toBe(0);
    const entries = parseRecoveredRuns(out.stdout);
    expect(entries).toHaveLength(200);
    expect(entries.filter((e) => e.state === 'COMPLETED')).toHaveLength(100);
    expect(entries.find((e) => e.runIndex === 4)).toMatchObject({ state: 'FAILED', exitCode: 1, runDir });
    expect(entries.some((e) => e.runIndex === 2)).toBe(false);
  });
});

describe('newerThanLedger', () => {
  const entry = (fingerprint: string, runId: string) => ({ fingerprint, runId }) as LedgerEntry;

  it('keeps what the ledger lacks or knows from an older run only', () => {
    const ledger = { version: 1 as const, entries: { a: entry('a', 'r2'), b: entry('b', 'r1') } };
    const recovered = [entry('a', 'r2'), entry('b', 'r3'), entry('c', 'r1'), entry('a', 'r1')];
    expect(newerThanLedger(ledger, recovered)).toEqual([entry('b', 'r3'), entry('c', 'r1')]);
  });
});
