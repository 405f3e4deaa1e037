import { isFinal, isSuccess } from '../slurm';
import type { Ledger, LedgerEntry } from './ledger';

export interface SweepIndex {
  index: number;
  argv: string[];
  /** 0 for the first index with these arguments, 1 for the next (replicates), ... */
  occurrence: number;
  fingerprint: string;
}

export interface LaunchPlan {
  /** Completed before with the same fingerprint: reported success without resubmitting. */
  done: { item: SweepIndex; entry: LedgerEntry }[];
  /** Still pending or running: watched, not resubmitted. */
  attach: { item: SweepIndex; entry: LedgerEntry }[];
  /** Failed, cancelled, new or forced: submitted together as one array. */
  submit: SweepIndex[];
}

/** Decides what each requested index needs, from the ledger alone (pure). */
export function planLaunch(items: SweepIndex[], ledger: Ledger, force: boolean): LaunchPlan {
  const plan: LaunchPlan = { done: [], attach: [], submit: [] };
  for (const item of items) {
    const entry = ledger.entries[item.fingerprint];
    if (force || !entry) plan.submit.push(item);
    else if (isSuccess(entry.state)) plan.done.push({ item, entry });
    else if (!isFinal(entry.state)) plan.attach.push({ item, entry });
    else plan.submit.push(item);
  }
  return plan;
}
