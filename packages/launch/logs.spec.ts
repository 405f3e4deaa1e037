import type { ArrayJob, Scheduler } from '../scheduler';
import type { SlurmState } from '../slurm';
import type { Transport } from '../transport';
import type { LedgerEntry } from './ledger';
import { printLog } from './logs';
import type { PreparedSweep } from './prepare';
import { RemoteLayout } from './remote-layout';
import type { Session } from './session';

const ENTRY: LedgerEntry = {
  fingerprint: 'f0',
  argv: ['--lr', '0.1'],
  runId: 'r1',
  runDir: '/remote/runs/exp/r1',
  runIndex: 0,
  jobId: '100',
  taskId: 0,
  offset: 0,
  state: 'RUNNING',
  attempts: 1,
};

/** Only what printLog reads of a prepared sweep: one index that ran as ENTRY. */
function sweepWith(entries: LedgerEntry[]): PreparedSweep {
  return {
    request: { jobName: 'exp', cluster: { name: 'lab' } },
    items: [{ index: 0, argv: ENTRY.argv, occurrence: 0, fingerprint: ENTRY.fingerprint }],
    ledger: { version: 1, entries: Object.fromEntries(entries.map((e) => [e.fingerprint, e])) },
  } as unknown as PreparedSweep;
}

/**
 * A session whose log file answers successive reads from `reads` (the last one sticks; a missing
 * file rejects with ENOENT) and whose scheduler answers successive polls from `states`.
 */
function fakeSession(reads: (string | 'ENOENT')[], states: SlurmState[]) {
  const readFrom: [string, number][] = [];
  const polls: ArrayJob[][] = [];
  const transport = {
    readFile: async (path: string, from = 0) => {
      readFrom.push([path, from]);
      const next = reads.length > 1 ? reads.shift()! : reads[0];
      if (next === 'ENOENT') throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
      return Buffer.from(next);
    },
  } as unknown as Transport;
  const scheduler = {
    poll: async (jobs: ArrayJob[]) => {
      polls.push(jobs);
      const state = states.length > 1 ? states.shift()! : states[0];
      return [{ jobId: '100', taskId: 0, state }];
    },
  } as unknown as Scheduler;
  const session = { transport, scheduler, layout: new RemoteLayout('/remote') } as unknown as Session;
  return { session: async () => session, readFrom, polls };
}

function collect() {
  const chunks: Buffer[] = [];
  const lines: string[] = [];
  return { output: { write: (chunk: Buffer) => chunks.push(chunk), log: (line: string) => lines.push(line) }, chunks };
}

describe('printLog', () => {
  it("prints the index's stdout or stderr log once, without asking the scheduler", async () => {
    const { session, readFrom, polls } = fakeSession(['epoch 1\n'], ['RUNNING']);
    const { output, chunks } = collect();

    await printLog(sweepWith([ENTRY]), session, { index: 0, stream: 'stderr', follow: false }, output);

    expect(Buffer.concat(chunks).toString()).toBe('epoch 1\n');
    expect(readFrom).toEqual([['/remote/runs/exp/r1/logs/0.err', 0]]);
    expect(polls).toEqual([]);
  });

  it('prints nothing for a log the job has not created yet', async () => {
    const { session } = fakeSession(['ENOENT'], ['PENDING']);
    const { output, chunks } = collect();

    await printLog(sweepWith([ENTRY]), session, { index: 0, stream: 'stdout', follow: false }, output);

    expect(Buffer.concat(chunks).toString()).toBe('');
  });

  it('follows the log from where it was, asks the scheduler only while it is quiet, and reads the rest once the index ended', async () => {
    const { session, readFrom, polls } = fakeSession(['ENOENT', 'epoch 1\n', '', 'done\n'], ['RUNNING', 'COMPLETED']);
    const { output, chunks } = collect();

    await printLog(sweepWith([ENTRY]), session, { index: 0, stream: 'stdout', follow: true }, output);

    expect(Buffer.concat(chunks).toString()).toBe('epoch 1\ndone\n');
    expect(readFrom.map(([, from]) => from)).toEqual([0, 0, 8, 8]);
    expect(polls).toEqual([[{ jobId: '100', offset: 0, taskIds: [0] }], [{ jobId: '100', offset: 0, taskIds: [0] }]]);
  });

  it('says when the index has not run on the cluster', async () => {
    const { session } = fakeSession([''], ['RUNNING']);
    const { output } = collect();
    const sweep = sweepWith([{ ...ENTRY, fingerprint: 'other', argv: ['--lr', '0.2'] }]);

    await expect(printLog(sweep, session, { index: 0, stream: 'stdout', follow: false }, output)).rejects.toThrow(
      'exp/0 has not run yet on lab.',
    );
  });
});
