import type { Ledger, LedgerEntry } from './ledger';
import { planLaunch, type SweepIndex } from './plan';

const item = (index: number): SweepIndex => ({
  index,
  argv: [`--i`, String(index)],
  occurrence: 0,
  fingerprint: `fp${index}`,
});
const entry = (index: number, state: LedgerEntry['state']): LedgerEntry => ({
  fingerprint: `fp${index}`,
  argv: [],
  runId: 'r1',
  runDir: '/runs/r1',
  runIndex: index,
  jobId: '7',
  taskId: index,
  offset: 0,
  state,
  attempts: 1,
});
const ledgerOf = (...entries: LedgerEntry[]): Ledger => ({
  version: 1,
  entries: Object.fromEntries(entries.map((e) => [e.fingerprint, e])),
});

describe('planLaunch', () => {
  const items = [0, 1, 2, 3, 4].map(item);
  const ledger = ledgerOf(entry(0, 'COMPLETED'), entry(1, 'RUNNING'), entry(2, 'FAILED'), entry(3, 'CANCELLED'));

  it('skips completed, attaches to running, resubmits failed, cancelled and new', () => {
    const plan = planLaunch(items, ledger, false);
    expect(plan.done.map((d) => d.item.index)).toEqual([0]);
    expect(plan.attach.map((a) => a.item.index)).toEqual([1]);
    expect(plan.submit.map((s) => s.index)).toEqual([2, 3, 4]);
  });

  it('resubmits everything with force', () => {
    const plan = planLaunch(items, ledger, true);
    expect(plan.submit.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(plan.done).toEqual([]);
    expect(plan.attach).toEqual([]);
  });

  it('recognises a completed vector that moved to another index', () => {
    const moved = { ...item(9), fingerprint: 'fp0' };
    expect(planLaunch([moved], ledger, false).done).toEqual([{ item: moved, entry: ledger.entries.fp0 }]);
  });
});
