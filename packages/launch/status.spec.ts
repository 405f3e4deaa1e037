import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../transport';
import type { LedgerEntry } from './ledger';
import type { PreparedSweep } from './prepare';
import { RemoteLayout } from './remote-layout';
import type { Session } from './session';
import { sweepStatus } from './status';

const entry = (index: number, state: LedgerEntry['state'], exitCode?: number): LedgerEntry => ({
  fingerprint: `f${index}`,
  argv: ['--lr', `0.${index}`],
  runId: 'r1',
  runDir: '/remote/runs/exp/r1',
  runIndex: index,
  jobId: '100',
  taskId: index,
  offset: 0,
  state,
  exitCode,
  attempts: 1,
});

/** Only what sweepStatus reads of a prepared sweep: three indices and the ledger's entries. */
function sweepWith(entries: LedgerEntry[]): PreparedSweep {
  return {
    request: { jobName: 'exp', cluster: { name: 'lab' } },
    items: [0, 1, 2].map((index) => ({ index, argv: ['--lr', `0.${index}`], occurrence: 0, fingerprint: `f${index}` })),
    ledger: { version: 1, entries: Object.fromEntries(entries.map((e) => [e.fingerprint, e])) },
  } as unknown as PreparedSweep;
}

const noSession = (): Promise<Session> => Promise.reject(new Error('finished entries need no session'));

describe('sweepStatus', () => {
  it('gives the table, the progress line and how many indices never ran', async () => {
    const lines = await sweepStatus(sweepWith([entry(0, 'COMPLETED', 0), entry(2, 'FAILED', 3)]), noSession, () => {});

    expect(lines).toHaveLength(3);
    expect(lines![0]).toMatch(/^0 +--lr 0\.0 +COMPLETED +0 /m);
    expect(lines![0]).toMatch(/^2 +--lr 0\.2 +FAILED +3 /m);
    expect(lines![1]).toBe('exp: 1/3 done, 0 running, 0 pending, 1 failed');
    expect(lines![2]).toBe('1 index(es) never submitted.');
  });

  it('is undefined when nothing has run yet, not even in the run folders on the cluster', async () => {
    const layout = new RemoteLayout(join(tmpdir(), 'nx-slurm-status-no-such-root'));
    const session = async () => ({ transport: new LocalTransport(), layout }) as unknown as Session;
    await expect(sweepStatus(sweepWith([]), session, () => {})).resolves.toBeUndefined();
  });
});
