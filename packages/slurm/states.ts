/** States of an element still queued or running. */
const ACTIVE_STATES = ['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED'] as const;
/** States of an element that has ended (sacct(1), JOB STATE CODES): COMPLETED alone is success. */
const ENDED_STATES = [
  'COMPLETED',
  'FAILED',
  'OUT_OF_MEMORY',
  'TIMEOUT',
  'CANCELLED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'PREEMPTED',
  'DEADLINE',
] as const;

/** Job states as sacct prints them, plus UNKNOWN for anything we cannot read. */
export type SlurmState = (typeof ACTIVE_STATES)[number] | (typeof ENDED_STATES)[number] | 'UNKNOWN';

const STATES: readonly SlurmState[] = [...ACTIVE_STATES, ...ENDED_STATES];

const FINAL_STATES: ReadonlySet<SlurmState> = new Set<SlurmState>(ENDED_STATES);

const TRANSIENT_STATES: ReadonlySet<SlurmState> = new Set<SlurmState>(['NODE_FAIL', 'BOOT_FAIL', 'PREEMPTED']);

/** squeue's rarer long names and its compact codes (`%t`), folded onto the states a sweep cares about. */
const ALIASES: Readonly<Record<string, SlurmState>> = {
  PD: 'PENDING',
  R: 'RUNNING',
  CF: 'CONFIGURING',
  CG: 'COMPLETING',
  S: 'SUSPENDED',
  RQ: 'REQUEUED',
  CD: 'COMPLETED',
  F: 'FAILED',
  OOM: 'OUT_OF_MEMORY',
  TO: 'TIMEOUT',
  CA: 'CANCELLED',
  NF: 'NODE_FAIL',
  BF: 'BOOT_FAIL',
  PR: 'PREEMPTED',
  DL: 'DEADLINE',
  // Held or requeued again: waiting to run, not finished.
  REQUEUE_HOLD: 'REQUEUED',
  RH: 'REQUEUED',
  REQUEUE_FED: 'REQUEUED',
  RF: 'REQUEUED',
  SPECIAL_EXIT: 'REQUEUED',
  SE: 'REQUEUED',
  RESV_DEL_HOLD: 'PENDING',
  RD: 'PENDING',
  // Still holding its allocation.
  RESIZING: 'RUNNING',
  RS: 'RUNNING',
  SIGNALING: 'RUNNING',
  SI: 'RUNNING',
  STAGE_OUT: 'COMPLETING',
  SO: 'COMPLETING',
  STOPPED: 'SUSPENDED',
  ST: 'SUSPENDED',
  // A federation sibling removed because another cluster runs the job: over, here.
  REVOKED: 'CANCELLED',
  RV: 'CANCELLED',
};

/**
 * Reads a state as sacct or squeue print it: `CANCELLED by 1000` -> CANCELLED, truncated
 * `OUT_OF_ME+` -> OUT_OF_MEMORY, squeue codes (`PD`, `CG`) and long names; anything else -> UNKNOWN.
 */
export function normalizeState(raw: string): SlurmState {
  const word = raw.trim().split(/\s+/)[0].toUpperCase();
  if (word.endsWith('+')) {
    // Fixed-width sacct columns cut long names and mark the cut with `+`.
    const prefix = word.slice(0, -1);
    const candidates = STATES.filter((state) => prefix !== '' && state.startsWith(prefix));
    return candidates.length === 1 ? candidates[0] : 'UNKNOWN';
  }
  if ((STATES as readonly string[]).includes(word)) return word as SlurmState;
  return ALIASES[word] ?? 'UNKNOWN';
}

/** The element will not change state any more (it may still be resubmitted, as a new element). */
export function isFinal(state: SlurmState): boolean {
  return FINAL_STATES.has(state);
}

export function isSuccess(state: SlurmState): boolean {
  return state === 'COMPLETED';
}

/** Infrastructure failures, not the program's: resubmitted up to `retries` times. */
export function isTransient(state: SlurmState): boolean {
  return TRANSIENT_STATES.has(state);
}
