import { backoffMs, Outage } from './patience';

describe('backoffMs', () => {
  it('doubles from 2 s up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt))).toEqual([
      2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('follows another schedule', () => {
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, { firstMs: 100, factor: 3, maxMs: 500 }))).toEqual([
      100, 300, 500,
    ]);
  });
});

describe('Outage', () => {
  /** A clock the test moves: each attempt takes `attemptMs` after its pause. */
  function clock() {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('numbers the attempts and backs off until the patience is spent', () => {
    const time = clock();
    const outage = new Outage(20_000, time.now);
    const attempts = [];
    for (let next = outage.next(); next; next = outage.next()) {
      attempts.push(next);
      time.advance(next.delayMs + 100);
    }
    expect(attempts).toEqual([
      { attempt: 1, delayMs: 2000 },
      { attempt: 2, delayMs: 4000 },
      { attempt: 3, delayMs: 8000 },
      // 14.3 s gone: the last pause ends with the patience
      { attempt: 4, delayMs: 5700 },
    ]);
    expect(outage.elapsedMs()).toBeGreaterThanOrEqual(20_000);
  });

  it('gives no attempt at all when the patience is already spent', () => {
    const time = clock();
    const outage = new Outage(1000, time.now);
    time.advance(1000);
    expect(outage.next()).toBeUndefined();
  });
});
