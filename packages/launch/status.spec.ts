import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../transport';
import type { LedgerEntry } from './ledger';
import type { PreparedSweep } from './prepare';
import { RemoteLayout } from './remote-layout';
import type { Session } from './session';
import { sweepStatus } from './status';

/** A run folder that exists, as on the cluster. */
const RUN_DIR = mkdtempSync(join(tmpdir(), 'nx-slurm-status-run-'));

const entry = (index: number, state: LedgerEntry['state'], exitCode?: number, runDir = RUN_DIR): LedgerEntry => ({
  fingerprint: `f${index}`,
  argv: ['--lr', `0.${index}`],
  runId: 'r1',
  runDir,
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

/** Finished entries need no scheduler: only their run folders are checked, by one command. */
const session = async () =>
  ({ transport: new LocalTransport(), cluster: { name: 'lab', profile: {} } }) as unknown as Session;

describe('sweepStatus', () => {
  it('gives the table, the progress line and how many indices never ran', async () => {
    const report = await sweepStatus(sweepWith([entry(0, 'COMPLETED', 0), entry(2, 'FAILED', 3)]), session, () => {}, {
      all: false,
    });

    expect(report).toMatch(/^0 +--lr 0\.0 +COMPLETED +0 /m);
    expect(report).toMatch(/^2 +--lr 0\.2 +FAILED +3 /m);
    expect(report!.split('\n').slice(-3)).toEqual([
      'by state: 1 COMPLETED, 1 FAILED',
      'exp: 1/3 done, 0 running, 0 pending, 1 failed',
      '1 index(es) never submitted.',
    ]);
  });

  it('says which run folders are gone from the cluster', async () => {
    const gone = join(RUN_DIR, 'deleted');
    const report = await sweepStatus(
      sweepWith([entry(0, 'COMPLETED', 0), entry(1, 'COMPLETED', 0, gone)]),
      session,
      () => {},
      { all: false },
    );
    expect(report!.split('\n')).toContain(
      `run folder ${gone} is gone from lab (deleted on the cluster?): its logs and outputs are lost. \`--force\` runs its indices again.`,
    );
  });

  it('is undefined when nothing has run yet, not even in the run folders on the cluster', async () => {
    const layout = new RemoteLayout(join(tmpdir(), 'nx-slurm-status-no-such-root'));
    const session = async () =>
      ({ transport: new LocalTransport(), layout, cluster: { name: 'lab', profile: {} } }) as unknown as Session;
    await expect(sweepStatus(sweepWith([]), session, () => {}, { all: false })).resolves.toBeUndefined();
  });
});
