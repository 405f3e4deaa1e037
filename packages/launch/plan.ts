import { isFinal, isSuccess } from '../slurm';
import type { Ledger, LedgerEntry } from './ledger';

export interface SweepIndex {
  readonly index: number;
  readonly argv: readonly string[];
  /** 0 for the first index with these arguments, 1 for the next (replicates), ... */
  readonly occurrence: number;
  readonly fingerprint: string;
}

export interface KnownIndex {
  readonly item: SweepIndex;
  readonly entry: LedgerEntry;
}

export interface LaunchPlan {
  /** Completed before with the same fingerprint: reported success without resubmitting. */
  readonly done: readonly KnownIndex[];
  /** Still pending or running: watched, not resubmitted. */
  readonly attach: readonly KnownIndex[];
  /** Failed, cancelled, new or forced: submitted together as one array. */
  readonly submit: readonly SweepIndex[];
}

/** Decides what each requested index needs, from the ledger alone (pure). */
export function planLaunch(items: readonly SweepIndex[], ledger: Ledger, force: boolean): LaunchPlan {
  const done: KnownIndex[] = [];
  const attach: KnownIndex[] = [];
  const submit: SweepIndex[] = [];
  for (const item of items) {
    const entry = ledger.entries[item.fingerprint];
    if (force || !entry) submit.push(item);
    else if (isSuccess(entry.state)) done.push({ item, entry });
    else if (!isFinal(entry.state)) attach.push({ item, entry });
    else submit.push(item);
  }
  return { done, attach, submit };
}
