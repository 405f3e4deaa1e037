import { interleave, median, summarize, type Sample } from './stats';

const traffic = (bytesUp: number, roundTrips = 1) => ({ connections: 1, bytesUp, bytesDown: 0, roundTrips });

function sample(over: Partial<Sample>): Sample {
  return {
    link: 'loopback',
    scenario: 'first-100',
    tool: 'nx-daemon',
    round: 0,
    ms: 1000,
    traffic: traffic(100),
    ...over,
  };
}

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('interleave', () => {
  it('runs every tool once per round, rounds one after the other: A B A B', () => {
    expect(interleave(['A', 'B'], 2)).toEqual([
      { tool: 'A', round: 0 },
      { tool: 'B', round: 0 },
      { tool: 'A', round: 1 },
      { tool: 'B', round: 1 },
    ]);
  });
});

describe('summarize', () => {
  it('takes medians per link, scenario and tool, apart from each other', () => {
    const summaries = summarize([
      sample({ ms: 100, traffic: traffic(10, 5) }),
      sample({ ms: 300, traffic: traffic(30, 7), round: 1 }),
      sample({ ms: 200, traffic: traffic(20, 6), round: 2 }),
      sample({ tool: 'slurmpilot', ms: 50 }),
      sample({ link: 'wan', ms: 900 }),
    ]);
    expect(summaries.map((s) => [s.link, s.tool, s.runs, s.ms, s.traffic.bytesUp, s.traffic.roundTrips])).toEqual([
      ['loopback', 'nx-daemon', 3, 200, 20, 6],
      ['loopback', 'slurmpilot', 1, 50, 100, 1],
      ['wan', 'nx-daemon', 1, 900, 100, 1],
    ]);
  });

  it("keeps nx-slurm's own part only where a run reported it", () => {
    const [withOwn, without] = summarize([
      sample({ ownMs: 40 }),
      sample({ ownMs: 60 }),
      sample({ scenario: 'cancel' }),
    ]);
    expect(withOwn.ownMs).toBe(50);
    expect(without.ownMs).toBeUndefined();
  });

  it('calls an answer right only if every run answered right, and quotes a wrong one', () => {
    const [status] = summarize([
      sample({ scenario: 'status', answer: { right: true, said: 'FAILED' } }),
      sample({ scenario: 'status', answer: { right: false, said: 'COMPLETED' } }),
    ]);
    expect(status.answer).toEqual({ right: false, said: 'COMPLETED' });
  });
});
