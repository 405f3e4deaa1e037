import type { SlurmState } from '../slurm';
import type { IndexResult } from './report';
import { elementRanges, LARGE_TABLE_ROWS, stateSummary, statusReport } from './status-report';

const result = (index: number, state: SlurmState = 'COMPLETED'): IndexResult => ({
  index,
  argv: ['--i', String(index)],
  state,
  exitCode: state === 'COMPLETED' ? 0 : undefined,
  jobId: '42',
  taskId: index,
  runDir: '/r',
  runIndex: index,
  fromLedger: false,
});

describe('stateSummary', () => {
  it('counts each state, most frequent first', () => {
    expect(stateSummary([result(0), result(1, 'FAILED'), result(2), result(3, 'PENDING'), result(4, 'FAILED')])).toBe(
      '2 COMPLETED, 2 FAILED, 1 PENDING',
    );
  });
});

describe('statusReport', () => {
  const rows = (text: string) => text.split('\n').filter((line) => /^\d+\s{2}/.test(line));

  it('shows every row of a small sweep, then the summary and the progress line', () => {
    const text = statusReport('mlp', [result(0), result(1, 'FAILED')], { total: 3, all: false });
    expect(rows(text)).toHaveLength(2);
    expect(text.split('\n').slice(-3)).toEqual([
      'by state: 1 COMPLETED, 1 FAILED',
      'mlp: 1/3 done, 0 running, 0 pending, 1 failed',
      '1 index(es) never submitted.',
    ]);
  });

  it('shows only the rows that are not COMPLETED for a large sweep, and says how many it hid', () => {
    const results = Array.from({ length: 10_000 }, (_, i) =>
      result(i, i === 17 ? 'FAILED' : i >= 9990 ? 'RUNNING' : 'COMPLETED'),
    );
    const text = statusReport('mlp', results, { total: 10_000, all: false });
    expect(rows(text).map((line) => Number(line.split(' ')[0]))).toEqual([
      17, 9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999,
    ]);
    expect(text).toContain('(9989 COMPLETED rows not shown: --all shows every row)');
    expect(text).toContain('by state: 9989 COMPLETED, 10 RUNNING, 1 FAILED');
  });

  it('shows every row with all', () => {
    const results = Array.from({ length: LARGE_TABLE_ROWS + 1 }, (_, i) => result(i));
    expect(rows(statusReport('mlp', results, { total: results.length, all: true }))).toHaveLength(LARGE_TABLE_ROWS + 1);
    expect(rows(statusReport('mlp', results, { total: results.length, all: false }))).toHaveLength(0);
  });
});

describe('elementRanges', () => {
  it("writes each job's elements in Slurm's range syntax, a lone element without brackets", () => {
    const elements = [
      ...Array.from({ length: 9685 }, (_, taskId) => ({ jobId: '1234', taskId })),
      { jobId: '1240', taskId: 7 },
      { jobId: '1241', taskId: 9 },
      { jobId: '1241', taskId: 3 },
    ];
    expect(elementRanges(elements)).toBe('1234_[0-9684], 1240_7, 1241_[3,9]');
  });
});
