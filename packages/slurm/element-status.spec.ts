import { mergeStatuses, parseSacct, parseSqueue, type ElementStatus } from './element-status';

// Captured on the lab cluster (Slurm 22.05.8): `--array=0-9%3`, element 1 exits 3, element 2 is
// killed by signal 9, element 3 sleeps; both commands run within the same second.
const SACCT_MIDWAY = `1_0|2|COMPLETED|0:0|2026-11-27T21:04:04|2026-11-27T21:04:04|node1
1_1|3|FAILED|3:0|2026-11-27T21:04:04|2026-11-27T21:04:04|node1
1_2|4|FAILED|0:9|2026-11-27T21:04:04|2026-11-27T21:04:04|node1
1_3|5|RUNNING|0:0|2026-11-27T21:04:05|Unknown|node1
1_4|6|COMPLETED|0:0|2026-11-27T21:04:05|2026-11-27T21:04:07|node1
1_5|7|COMPLETED|0:0|2026-11-27T21:04:05|2026-11-27T21:04:07|node1
1_[6-9%3]|1|PENDING|0:0|Unknown|Unknown|None assigned
`;
const SQUEUE_MIDWAY = `1_4|COMPLETED|None|node1|2026-11-27T21:04:05|2026-11-27T21:04:07
1_5|COMPLETED|None|node1|2026-11-27T21:04:05|2026-11-27T21:04:07
1_0|COMPLETED|None|node1|2026-11-27T21:04:04|2026-11-27T21:04:04
1_1|FAILED|NonZeroExitCode|node1|2026-11-27T21:04:04|2026-11-27T21:04:04
1_2|FAILED|JobLaunchFailure|node1|2026-11-27T21:04:04|2026-11-27T21:04:04
1_6|PENDING|JobArrayTaskLimit||N/A|N/A
1_7|PENDING|JobArrayTaskLimit||N/A|N/A
1_8|PENDING|JobArrayTaskLimit||N/A|N/A
1_9|PENDING|JobArrayTaskLimit||N/A|N/A
1_3|RUNNING|None|node1|2026-11-27T21:04:05|NONE
`;

describe('parseSacct', () => {
  it('reads element rows: exit code and signal, Unknown times, nodes', () => {
    const rows = parseSacct(SACCT_MIDWAY);
    expect(rows.slice(0, 4)).toEqual([
      {
        jobId: '1',
        taskId: 0,
        state: 'COMPLETED',
        exitCode: 0,
        node: 'node1',
        start: '2026-11-27T21:04:04',
        end: '2026-11-27T21:04:04',
      },
      {
        jobId: '1',
        taskId: 1,
        state: 'FAILED',
        exitCode: 3,
        node: 'node1',
        start: '2026-11-27T21:04:04',
        end: '2026-11-27T21:04:04',
      },
      {
        jobId: '1',
        taskId: 2,
        state: 'FAILED',
        exitCode: 0,
        signal: 9,
        node: 'node1',
        start: '2026-11-27T21:04:04',
        end: '2026-11-27T21:04:04',
      },
      { jobId: '1', taskId: 3, state: 'RUNNING', exitCode: 0, node: 'node1', start: '2026-11-27T21:04:05' },
    ]);
  });

  it('expands a folded pending row into stale per-element rows without exit code or node', () => {
    const folded = parseSacct(SACCT_MIDWAY).filter((row) => row.folded);
    expect(folded).toEqual([6, 7, 8, 9].map((taskId) => ({ jobId: '1', taskId, state: 'PENDING', folded: true })));
  });

  it('expands comma lists, ranges and steps, ignoring the throttle', () => {
    const ids = (field: string) =>
      parseSacct(`${field}|77|PENDING|0:0|Unknown|Unknown|None assigned\n`).map((row) => row.taskId);
    expect(ids('77_[4-6,8-9%3]')).toEqual([4, 5, 6, 8, 9]);
    expect(ids('77_[0-15:4]')).toEqual([0, 4, 8, 12]);
    expect(ids('77_[3,5]')).toEqual([3, 5]);
    expect(ids('77_[12]')).toEqual([12]);
  });

  it('keeps the whole parts of a folded list that Slurm cut short', () => {
    const rows = parseSacct('77_[1,3,5,7-9,11,1...|77|PENDING|0:0|Unknown|Unknown|None assigned\n');
    expect(rows.map((row) => row.taskId)).toEqual([1, 3, 5, 7, 8, 9, 11]);
  });

  it('reads a single pending element as an element row', () => {
    expect(parseSacct('15_7|15|PENDING|0:0|Unknown|Unknown|None assigned\n')).toEqual([
      { jobId: '15', taskId: 7, state: 'PENDING', exitCode: 0 },
    ]);
  });

  it('reads a whole-array cancellation: CANCELLED by uid, folded remainder with Start=None', () => {
    const rows = parseSacct(`12_0|13|CANCELLED by 0|0:0|2026-11-27T21:04:20|2026-11-27T21:04:21|node1
12_1|14|CANCELLED by 0|0:0|2026-11-27T21:04:20|2026-11-27T21:04:21|node1
12_[2-4%2]|12|CANCELLED by 0|0:0|None|2026-11-27T21:04:21|None assigned
`);
    expect(rows.map((row) => [row.taskId, row.state, row.folded ?? false])).toEqual([
      [0, 'CANCELLED', false],
      [1, 'CANCELLED', false],
      [2, 'CANCELLED', true],
      [3, 'CANCELLED', true],
      [4, 'CANCELLED', true],
    ]);
    expect(rows[2]).toEqual({ jobId: '12', taskId: 2, state: 'CANCELLED', end: '2026-11-27T21:04:21', folded: true });
  });

  it('yields no element for a plain job id (an array record sacct has not split yet, or a non-array job)', () => {
    expect(parseSacct('15|15|COMPLETED|0:0|2026-11-27T21:04:43|2026-11-27T21:04:46|node2\n')).toEqual([]);
  });

  it('ignores step rows, blank lines and Windows line ends', () => {
    expect(parseSacct('\n1_0.batch|2.batch|COMPLETED|0:0|a|b|node1\r\n1_0|2|COMPLETED|0:0|a|b|node1\r\n\n')).toEqual([
      { jobId: '1', taskId: 0, state: 'COMPLETED', exitCode: 0, node: 'node1', start: 'a', end: 'b' },
    ]);
  });

  it('reads nothing from empty output (sacct right after submit)', () => {
    expect(parseSacct('')).toEqual([]);
  });
});

describe('parseSqueue', () => {
  it('reads one line per element with reasons, dropping empty nodes and N/A/NONE times', () => {
    const rows = parseSqueue(SQUEUE_MIDWAY);
    expect(rows).toHaveLength(10);
    expect(rows.find((row) => row.taskId === 2)).toEqual({
      jobId: '1',
      taskId: 2,
      state: 'FAILED',
      reason: 'JobLaunchFailure',
      node: 'node1',
      start: '2026-11-27T21:04:04',
      end: '2026-11-27T21:04:04',
    });
    expect(rows.find((row) => row.taskId === 6)).toEqual({
      jobId: '1',
      taskId: 6,
      state: 'PENDING',
      reason: 'JobArrayTaskLimit',
    });
    expect(rows.find((row) => row.taskId === 3)).toEqual({
      jobId: '1',
      taskId: 3,
      state: 'RUNNING',
      node: 'node1',
      start: '2026-11-27T21:04:05',
    });
  });

  it("ignores a pending element's estimated start and a running element's expected end", () => {
    const rows = parseSqueue(
      '5_0|PENDING|Priority||2030-01-01T00:00:00|2030-01-01T01:00:00\n5_1|RUNNING|None|node2|2026-11-27T21:05:20|2026-11-27T21:06:20\n',
    );
    expect(rows).toEqual([
      { jobId: '5', taskId: 0, state: 'PENDING', reason: 'Priority' },
      { jobId: '5', taskId: 1, state: 'RUNNING', node: 'node2', start: '2026-11-27T21:05:20' },
    ]);
  });

  it('expands folded rows as sacct does (squeue without -r prints them)', () => {
    const rows = parseSqueue('9_[2-3%1]|PENDING|JobArrayTaskLimit||N/A|N/A\n');
    expect(rows).toEqual([
      { jobId: '9', taskId: 2, state: 'PENDING', reason: 'JobArrayTaskLimit', folded: true },
      { jobId: '9', taskId: 3, state: 'PENDING', reason: 'JobArrayTaskLimit', folded: true },
    ]);
  });

  it('reads cancelled pending elements (no node, squeue keeps their old reason)', () => {
    expect(parseSqueue('12_2|CANCELLED|JobArrayTaskLimit||2026-11-27T21:04:21|2026-11-27T21:04:21\n')).toEqual([
      {
        jobId: '12',
        taskId: 2,
        state: 'CANCELLED',
        reason: 'JobArrayTaskLimit',
        start: '2026-11-27T21:04:21',
        end: '2026-11-27T21:04:21',
      },
    ]);
  });
});

describe('mergeStatuses', () => {
  const states = (statuses: ElementStatus[]) =>
    statuses.map((status) => `${status.jobId}_${status.taskId}:${status.state}`);

  it('combines the midway snapshot: sacct exit codes, squeue reasons, sorted by element', () => {
    const merged = mergeStatuses(parseSqueue(SQUEUE_MIDWAY), parseSacct(SACCT_MIDWAY));
    expect(states(merged)).toEqual([
      '1_0:COMPLETED',
      '1_1:FAILED',
      '1_2:FAILED',
      '1_3:RUNNING',
      '1_4:COMPLETED',
      '1_5:COMPLETED',
      '1_6:PENDING',
      '1_7:PENDING',
      '1_8:PENDING',
      '1_9:PENDING',
    ]);
    expect(merged[1]).toEqual({
      jobId: '1',
      taskId: 1,
      state: 'FAILED',
      exitCode: 3,
      reason: 'NonZeroExitCode',
      node: 'node1',
      start: '2026-11-27T21:04:04',
      end: '2026-11-27T21:04:04',
    });
    expect(merged[2]).toMatchObject({ exitCode: 0, signal: 9, reason: 'JobLaunchFailure' });
    // squeue's per-element rows beat sacct's folded one, so these are no longer marked stale.
    expect(merged[6]).toEqual({ jobId: '1', taskId: 6, state: 'PENDING', reason: 'JobArrayTaskLimit' });
  });

  describe('a 4-element array from submission to its end, squeue and sacct disagreeing', () => {
    const running = (taskId: number) => ({ jobId: '15', taskId, state: 'RUNNING' as const, node: 'node1', start: 's' });
    const completedBySqueue = (taskId: number) => ({
      jobId: '15',
      taskId,
      state: 'COMPLETED' as const,
      node: 'node1',
      start: 's',
      end: 'e',
    });

    it('t=0.8s: squeue says RUNNING, sacct still folded PENDING -> RUNNING', () => {
      const sacct = parseSacct('15_[0-3]|15|PENDING|0:0|Unknown|Unknown|None assigned\n');
      expect(states(mergeStatuses([0, 1, 2, 3].map(running), sacct))).toEqual([
        '15_0:RUNNING',
        '15_1:RUNNING',
        '15_2:RUNNING',
        '15_3:RUNNING',
      ]);
    });

    it('t=2.9s: squeue says COMPLETED, sacct says RUNNING for 15_3 -> COMPLETED, without a made-up exit code', () => {
      const sacct = parseSacct(
        [
          '15_0|16|COMPLETED|0:0|s|e|node1',
          '15_1|17|COMPLETED|0:0|s|e|node1',
          '15_2|18|COMPLETED|0:0|s|e|node1',
          '15_3|15|RUNNING|0:0|s|Unknown|node1',
        ].join('\n'),
      );
      const merged = mergeStatuses([0, 1, 2, 3].map(completedBySqueue), sacct);
      expect(states(merged)).toEqual(['15_0:COMPLETED', '15_1:COMPLETED', '15_2:COMPLETED', '15_3:COMPLETED']);
      expect(merged[0].exitCode).toBe(0);
      expect(merged[3].exitCode).toBeUndefined();
      expect(merged[3].end).toBe('e');
    });

    it('t=5.9s: both final -> sacct wins, with its exit code', () => {
      const sacct = parseSacct('15_3|15|FAILED|2:0|s|e2|node1\n');
      const squeue = [{ jobId: '15', taskId: 3, state: 'FAILED' as const, reason: 'NonZeroExitCode', end: 'e1' }];
      expect(mergeStatuses(squeue, sacct)).toEqual([
        {
          jobId: '15',
          taskId: 3,
          state: 'FAILED',
          exitCode: 2,
          node: 'node1',
          start: 's',
          end: 'e2',
          reason: 'NonZeroExitCode',
        },
      ]);
    });
  });

  it('prefers the final state even when it comes from sacct and squeue is behind', () => {
    const merged = mergeStatuses(
      [{ jobId: '3', taskId: 0, state: 'RUNNING' }],
      [{ jobId: '3', taskId: 0, state: 'TIMEOUT', exitCode: 0 }],
    );
    expect(merged).toEqual([{ jobId: '3', taskId: 0, state: 'TIMEOUT', exitCode: 0 }]);
  });

  it('prefers an element row to a folded one even when the folded one is final', () => {
    const merged = mergeStatuses(
      [{ jobId: '3', taskId: 1, state: 'RUNNING' }],
      [{ jobId: '3', taskId: 1, state: 'CANCELLED', folded: true }],
    );
    expect(merged).toEqual([{ jobId: '3', taskId: 1, state: 'RUNNING' }]);
  });

  it('keeps sacct rows squeue no longer has (after MinJobAge) and squeue rows sacct lacks yet', () => {
    const merged = mergeStatuses(
      [{ jobId: '8', taskId: 2, state: 'PENDING' }],
      [{ jobId: '7', taskId: 0, state: 'COMPLETED', exitCode: 0 }],
    );
    expect(states(merged)).toEqual(['7_0:COMPLETED', '8_2:PENDING']);
  });

  it('RUNNING beats PENDING whichever command says it; at equal progress squeue wins', () => {
    expect(
      mergeStatuses([{ jobId: '3', taskId: 0, state: 'PENDING' }], [{ jobId: '3', taskId: 0, state: 'RUNNING' }])[0]
        .state,
    ).toBe('RUNNING');
    expect(
      mergeStatuses([{ jobId: '3', taskId: 0, state: 'COMPLETING' }], [{ jobId: '3', taskId: 0, state: 'RUNNING' }])[0]
        .state,
    ).toBe('COMPLETING');
    expect(
      mergeStatuses(
        [{ jobId: '3', taskId: 0, state: 'PENDING', reason: 'Priority' }],
        [{ jobId: '3', taskId: 0, state: 'PENDING', reason: 'Old' }],
      )[0].reason,
    ).toBe('Priority');
  });

  it('sorts job ids numerically', () => {
    const merged = mergeStatuses(
      [
        { jobId: '10', taskId: 0, state: 'PENDING' },
        { jobId: '9', taskId: 1, state: 'PENDING' },
        { jobId: '9', taskId: 0, state: 'PENDING' },
      ],
      [],
    );
    expect(states(merged)).toEqual(['9_0:PENDING', '9_1:PENDING', '10_0:PENDING']);
  });
});
