import type { LedgerEntry } from './ledger';
import { newerThanLedger, parseRecoveredRuns } from './recover';

const meta = (runId: string, indices: [number, string][]) =>
  JSON.stringify({
    runId,
    indices: indices.map(([index, fingerprint]) => ({ index, fingerprint, argv: [`--i`, String(index)] })),
  });
const run = (runDir: string, metaJson: string, exits: [string, string][]) =>
  `R\0${runDir}\0${metaJson}\0` + exits.map(([name, code]) => `E\0${name}\0${code}\0`).join('');

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
    ])}\0` + `E\x000\x000\x00J\x00${jobs}\x00`;

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

describe('newerThanLedger', () => {
  const entry = (fingerprint: string, runId: string) => ({ fingerprint, runId }) as LedgerEntry;

  it('keeps what the ledger lacks or knows from an older run only', () => {
    const ledger = { version: 1 as const, entries: { a: entry('a', 'r2'), b: entry('b', 'r1') } };
    const recovered = [entry('a', 'r2'), entry('b', 'r3'), entry('c', 'r1'), entry('a', 'r1')];
    expect(newerThanLedger(ledger, recovered)).toEqual([entry('b', 'r3'), entry('c', 'r1')]);
  });
});
