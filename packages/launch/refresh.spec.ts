import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArrayJob, Scheduler } from '../scheduler';
import type { ElementStatus } from '../slurm';
import { LocalTransport } from '../transport';
import { faultHandling } from './faults';
import type { LedgerEntry } from './ledger';
import { missingRunFolders, refreshUnfinished } from './refresh';
import type { Session } from './session';

const faults = faultHandling(
  { name: 'lab', scheduler: 'slurm', transport: 'ssh', profile: { remoteRoot: '~' } },
  'mnist',
  () => [],
  () => {},
);

function entry(runDir: string, runIndex: number, state: LedgerEntry['state']): LedgerEntry {
  return {
    fingerprint: `f${runIndex}`,
    argv: [`--n ${runIndex}`],
    runId: 'r1',
    runDir,
    runIndex,
    jobId: '612',
    taskId: runIndex,
    offset: 0,
    state,
    attempts: 1,
  };
}

function sessionWith(statuses: ElementStatus[]) {
  const polls: ArrayJob[][] = [];
  const scheduler = {
    poll: async (jobs: ArrayJob[]) => {
      polls.push(jobs);
      return statuses;
    },
  } as unknown as Scheduler;
  return { polls, session: { transport: new LocalTransport(), scheduler } as unknown as Session };
}

describe('refreshUnfinished', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'nx-slurm-refresh-'));
  mkdirSync(join(runDir, 'exit'));
  writeFileSync(join(runDir, 'exit', '2'), '0\n');
  writeFileSync(join(runDir, 'exit', '3'), '3\n');

  it('asks once about every unfinished entry and settles those nobody lists by their exit markers', async () => {
    const entries = [
      entry(runDir, 0, 'PENDING'),
      entry(runDir, 1, 'RUNNING'),
      entry(runDir, 2, 'RUNNING'),
      entry(runDir, 3, 'PENDING'),
      entry(runDir, 4, 'PENDING'),
      entry(runDir, 5, 'COMPLETED'),
    ];
    const { session, polls } = sessionWith([
      { jobId: '612', taskId: 0, state: 'FAILED', exitCode: 1 },
      { jobId: '612', taskId: 1, state: 'RUNNING' },
    ]);
    const changed = await refreshUnfinished(session, entries, faults);
    expect(polls).toEqual([[{ jobId: '612', offset: 0, taskIds: [0, 1, 2, 3, 4] }]]);
    // only what changed; 1 still runs, 5 had ended
    expect(changed.map((e) => [e.runIndex, e.state, e.exitCode])).toEqual([
      [0, 'FAILED', 1],
      [2, 'COMPLETED', 0],
      [3, 'FAILED', 3],
      // cancelled while pending: gone from squeue and sacct, no marker
      [4, 'CANCELLED', undefined],
    ]);
    expect(entries[0].state).toBe('PENDING');
  });

  it('costs nothing when everything is final', async () => {
    const { session, polls } = sessionWith([]);
    expect(await refreshUnfinished(session, [entry(runDir, 5, 'COMPLETED')], faults)).toEqual([]);
    expect(polls).toEqual([]);
  });
});

describe('missingRunFolders', () => {
  it('names the run folders that no longer exist', async () => {
    const here = mkdtempSync(join(tmpdir(), 'nx-slurm-missing-'));
    const { session } = sessionWith([]);
    const gone = join(here, 'deleted run');
    expect(await missingRunFolders(session, [here, gone, gone], faults)).toEqual(new Set([gone]));
  });
});
