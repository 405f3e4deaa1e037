/**
 * How often and for how long the launcher tries again while the cluster cannot be reached:
 * a back-off schedule and the arithmetic of one outage under a patience. Pure: the clock is
 * passed in, so loops that sleep stay out of here.
 */

export interface Backoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/** 2 s, 4 s, 8 s, ... up to 30 s between attempts. */
export const RETRY_BACKOFF: Backoff = { firstMs: 2000, factor: 2, maxMs: 30_000 };

/** The pause before attempt `attempt` (counted from 1) of a retry. */
export function backoffMs(attempt: number, backoff: Backoff = RETRY_BACKOFF): number {
  return Math.min(backoff.maxMs, Math.round(backoff.firstMs * backoff.factor ** (attempt - 1)));
}

export interface NextAttempt {
  /** Counted from 1: the first retry after the failure that began the outage. */
  attempt: number;
  delayMs: number;
}

/**
 * One stretch of failures, from the first one to the next success. Each failure asks for the
 * next attempt; there is none once the patience is spent, and the last pause is shortened so
 * that the last attempt happens when the patience ends, not after.
 */
export class Outage {
  private attempts = 0;
  readonly startedAt: number;

  constructor(
    readonly patienceMs: number,
    private readonly now: () => number,
    private readonly backoff: Backoff = RETRY_BACKOFF,
  ) {
    this.startedAt = now();
  }

  next(): NextAttempt | undefined {
    const left = this.patienceMs - this.elapsedMs();
    if (left <= 0) return undefined;
    this.attempts += 1;
    return { attempt: this.attempts, delayMs: Math.min(left, backoffMs(this.attempts, this.backoff)) };
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }
}
