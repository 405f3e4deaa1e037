import type { SlurmState } from '../slurm';
import {
  countStates,
  elapsedSeconds,
  formatDuration,
  indexSummary,
  pendingReasons,
  progressLine,
  resultsTable,
  type IndexResult,
} from './report';

const result = (index: number, extra: Partial<IndexResult> = {}): IndexResult => ({
  index,
  argv: ['--lr', String(index / 10)],
  state: 'COMPLETED',
  exitCode: 0,
  node: 'node1',
  jobId: '42',
  taskId: index,
  runDir: '/home/alice/nx-slurm/runs/mlp/20261127-211530-4f2a',
  runIndex: index,
  start: '2026-11-27T21:15:30Z',
  end: '2026-11-27T21:16:35Z',
  fromLedger: false,
  ...extra,
});

describe('countStates', () => {
  it('counts COMPLETED as done, final non-success as failed, PENDING/REQUEUED as pending, the rest as running', () => {
    const states: SlurmState[] = [
      'COMPLETED',
      'FAILED',
      'TIMEOUT',
      'CANCELLED',
      'OUT_OF_MEMORY',
      'NODE_FAIL',
      'PENDING',
      'REQUEUED',
      'RUNNING',
      'COMPLETING',
      'CONFIGURING',
      'SUSPENDED',
    ];
    expect(countStates(states)).toEqual({ done: 1, failed: 5, pending: 2, running: 4, total: 12 });
  });

  it('counts nothing in an empty list', () => {
    expect(countStates([])).toEqual({ done: 0, running: 0, pending: 0, failed: 0, total: 0 });
  });
});

describe('progressLine', () => {
  it('prints the contract line', () => {
    expect(progressLine('fine-tune-mlp', { done: 4, running: 3, pending: 2, failed: 1, total: 10 })).toBe(
      'fine-tune-mlp: 4/10 done, 3 running, 2 pending, 1 failed',
    );
  });

  it('prints the counts of a list of states', () => {
    expect(
      progressLine('mnist', countStates(['COMPLETED', 'RUNNING', 'PENDING', 'FAILED', 'COMPLETED', 'RUNNING'])),
    ).toBe('mnist: 2/6 done, 2 running, 1 pending, 1 failed');
  });

  it("adds Slurm's reasons for the pending elements, each once", () => {
    const elements = [
      { state: 'PENDING' as const, reason: 'Resources' },
      { state: 'PENDING' as const, reason: 'Priority' },
      { state: 'PENDING' as const, reason: 'Resources' },
      { state: 'PENDING' as const, reason: 'None' },
      { state: 'RUNNING' as const, reason: 'None' },
      { state: 'FAILED' as const, reason: 'PartitionConfig' },
    ];
    expect(pendingReasons(elements)).toEqual(['Priority', 'Resources']);
    expect(progressLine('mnist', countStates(elements.map((e) => e.state)), pendingReasons(elements))).toBe(
      'mnist: 0/6 done, 1 running, 4 pending (Priority, Resources), 1 failed',
    );
  });
});

describe('formatDuration', () => {
  it('prints m:ss under an hour and h:mm:ss from an hour, "-" when unknown', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(90061)).toBe('25:01:01');
    expect(formatDuration(undefined)).toBe('-');
  });
});

describe('elapsedSeconds', () => {
  it('is the rounded seconds between start and end', () => {
    expect(elapsedSeconds('2026-11-27T21:15:30Z', '2026-11-27T21:16:35.4Z')).toBe(65);
  });

  it('is undefined without a start or with unreadable times, never negative', () => {
    expect(elapsedSeconds(undefined, '2026-11-27T21:16:35Z')).toBeUndefined();
    expect(elapsedSeconds('Unknown', '2026-11-27T21:16:35Z')).toBeUndefined();
    expect(elapsedSeconds('2026-11-27T21:15:30Z', 'later')).toBeUndefined();
    expect(elapsedSeconds('2026-11-27T21:16:35Z', '2026-11-27T21:15:30Z')).toBe(0);
  });

  it('counts up to now while there is no end', () => {
    const start = new Date(Date.now() - 10_000).toISOString();
    const seconds = elapsedSeconds(start)!;
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(seconds).toBeLessThan(60);
  });
});

describe('resultsTable', () => {
  it('has a header and one row per index sorted by index, in aligned columns', () => {
    const table = resultsTable([
      result(2, { state: 'FAILED', exitCode: 1 }),
      result(0),
      result(1, { state: 'RUNNING', exitCode: undefined, end: undefined, start: undefined, node: undefined }),
    ]);
    const lines = table.split('\n');

    expect(lines).toHaveLength(4);
    expect(lines[0].split(/\s+/)).toEqual(['index', 'arguments', 'state', 'exit', 'elapsed', 'node', 'job']);
    expect(lines.slice(1).map((line) => line.split(/\s+/))).toEqual([
      ['0', '--lr', '0', 'COMPLETED', '0', '1:05', 'node1', '42_0'],
      ['1', '--lr', '0.1', 'RUNNING', '-', '-', '-', '42_1'],
      ['2', '--lr', '0.2', 'FAILED', '1', '1:05', 'node1', '42_2'],
    ]);
    // columns line up: every row's state starts where the header's does
    const stateColumn = lines[0].indexOf('state');
    for (const line of lines.slice(1)) expect(line.slice(stateColumn)).toMatch(/^(COMPLETED|RUNNING|FAILED)/);
  });

  it("shows Slurm's reason beside a state that is not success", () => {
    const rows = resultsTable([
      result(0, { state: 'PENDING', reason: 'Priority', exitCode: undefined }),
      result(1, { state: 'FAILED', reason: 'PartitionConfig', exitCode: undefined }),
      result(2, { reason: 'None' }),
    ]).split('\n');
    expect(rows[1]).toMatch(/\sPENDING \(Priority\)\s/);
    expect(rows[2]).toMatch(/\sFAILED \(PartitionConfig\)\s/);
    expect(rows[3]).toMatch(/\sCOMPLETED\s/);
  });

  it('shows arguments as a shell would read them and cuts long ones at 60 characters with an ellipsis', () => {
    const long = result(0, { argv: ['--note', 'x'.repeat(100)] });
    const quoted = result(1, { argv: ['--name', 'a b'] });
    const rows = resultsTable([long, quoted]).split('\n');

    const cut = `--note ${'x'.repeat(52)}…`;
    expect(cut).toHaveLength(60);
    expect(rows[1]).toContain(cut);
    expect(rows[1]).not.toContain('x'.repeat(53));
    expect(rows[2]).toContain("--name 'a b'");
  });

  it('marks indices that completed in an earlier run', () => {
    const rows = resultsTable([result(0, { fromLedger: true }), result(1)]).split('\n');
    expect(rows[1]).toContain('COMPLETED (earlier run)');
    expect(rows[2]).not.toContain('earlier run');
  });

  it('is only the header for no results', () => {
    expect(resultsTable([])).toBe('index  arguments  state  exit  elapsed  node  job');
  });
});

describe('indexSummary', () => {
  it('summarises a success: state, arguments, job, elapsed, run folder and logs', () => {
    expect(indexSummary('mlp', result(3))).toBe(
      [
        'mlp/3: COMPLETED',
        '  arguments: --lr 0.3',
        '  job 42_3 on node1, elapsed 1:05',
        '  run folder: /home/alice/nx-slurm/runs/mlp/20261127-211530-4f2a (logs/3.out, logs/3.err, out/3/)',
        '',
      ].join('\n'),
    );
  });

  it('describes a failure with its exit code and the tail of stdout and stderr', () => {
    const summary = indexSummary(
      'mlp',
      result(1, {
        state: 'FAILED',
        exitCode: 2,
        stdoutTail: 'epoch 1\n',
        stderrTail: 'Traceback\nValueError: bad lr\n',
      }),
    );
    expect(summary.split('\n')[0]).toBe('mlp/1: FAILED (exit code 2)');
    expect(summary).toContain('--- stdout (tail) ---\nepoch 1\n--- stderr (tail) ---\nTraceback\nValueError: bad lr\n');
  });

  it('names the time limit for a TIMEOUT', () => {
    expect(indexSummary('mlp', result(0, { state: 'TIMEOUT' })).split('\n')[0]).toBe(
      'mlp/0: TIMEOUT (time limit reached; raise resources.time)',
    );
  });

  it('says an index from an earlier run was not resubmitted, and uses its own run index for logs', () => {
    const summary = indexSummary('mlp', result(5, { fromLedger: true, runIndex: 2 }));
    expect(summary).toContain('mlp/5: COMPLETED (completed in an earlier run, not resubmitted)');
    expect(summary).toContain('(logs/2.out, logs/2.err, out/2/)');
  });

  it('leaves out empty log tails', () => {
    expect(indexSummary('mlp', result(0, { stdoutTail: '', stderrTail: '' }))).not.toContain('tail');
  });
});
