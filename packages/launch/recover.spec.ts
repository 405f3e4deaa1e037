import { parseRecoveredRuns } from './recover';

const meta = (runId: string, indices: [number, string][]) =>
  JSON.stringify({ runId, indices: indices.map(([index, fingerprint]) => ({ index, fingerprint, argv: [`--i`, String(index)] })) });
const run = (runDir: string, metaJson: string, exits: [string, string][]) =>
  `R\0${runDir}\0${metaJson}\0` + exits.map(([name, code]) => `E\0${name}\0${code}\0`).join('');

describe('parseRecoveredRuns', () => {
  it('turns exit markers into finished entries and skips indices without one', () => {
    const out = run('/r/20260101-000000-aaaa', meta('20260101-000000-aaaa', [[0, 'fa'], [1, 'fb'], [2, 'fc']]), [['0', '0\n'], ['1', '3\n'], ['2.123.tmp', '0\n']]);
    expect(parseRecoveredRuns(out)).toEqual([
      expect.objectContaining({ fingerprint: 'fa', state: 'COMPLETED', exitCode: 0, runIndex: 0, runDir: '/r/20260101-000000-aaaa' }),
      expect.objectContaining({ fingerprint: 'fb', state: 'FAILED', exitCode: 3, runIndex: 1 }),
    ]);
  });

  it('keeps the newest run of a fingerprint', () => {
    const older = run('/r/20260101-000000-aaaa', meta('20260101-000000-aaaa', [[4, 'f']]), [['4', '3']]);
    const newer = run('/r/20260102-000000-bbbb', meta('20260102-000000-bbbb', [[4, 'f']]), [['4', '0']]);
    for (const out of [older + newer, newer + older]) {
      expect(parseRecoveredRuns(out)).toEqual([expect.objectContaining({ runId: '20260102-000000-bbbb', state: 'COMPLETED' })]);
    }
  });

  it('finds nothing in an empty answer', () => {
    expect(parseRecoveredRuns('')).toEqual([]);
  });
});
