import {
  bytes,
  comparisonSection,
  ratio,
  replaceSection,
  timelineTable,
  timesTable,
  trafficTable,
  type RunInfo,
} from './report';
import type { Summary } from './stats';

function summary(over: Partial<Summary>): Summary {
  return {
    link: 'loopback',
    scenario: 'first-100',
    tool: 'nx-daemon',
    runs: 3,
    ms: 1000,
    traffic: { connections: 1, bytesUp: 1_230_000, bytesDown: 5000, roundTrips: 12 },
    ...over,
  };
}

const summaries: Summary[] = [
  summary({
    tool: 'slurmpilot',
    ms: 2000,
    traffic: { connections: 3, bytesUp: 1_250_000, bytesDown: 9000, roundTrips: 36 },
  }),
  summary({ tool: 'nx-daemon', ms: 1000, ownMs: 300 }),
  summary({ tool: 'nx-no-daemon', ms: 3000, ownMs: 320 }),
  summary({ scenario: 'status', tool: 'slurmpilot', ms: 400, answer: { right: false, said: 'COMPLETED' } }),
  summary({ scenario: 'status', tool: 'nx-daemon', ms: 800, answer: { right: true, said: '99/100 done, 1 failed' } }),
  summary({ scenario: 'floor-nx', tool: 'nx-daemon', ms: 600 }),
  summary({
    scenario: 'floor-ssh',
    tool: 'ssh2',
    ms: 60,
    traffic: { connections: 1, bytesUp: 3000, bytesDown: 4000, roundTrips: 5 },
  }),
];

describe('formatting', () => {
  it('writes bytes in B, KB and MB', () => {
    expect([bytes(999), bytes(3210), bytes(1_234_567)]).toEqual(['999 B', '3.2 KB', '1.23 MB']);
  });

  it('writes ratios with two decimals, below 1 when nx-slurm is faster', () => {
    expect(ratio(800, 1000)).toBe('0.80');
  });
});

describe('timesTable', () => {
  const table = timesTable(summaries, 'loopback').split('\n');

  it('puts nx-slurm / slurmpilot beside each nx-slurm time', () => {
    expect(table[0]).toBe(
      "| 100 indices unless said | slurmpilot 0.2 | nx-slurm, Nx daemon on | ratio | nx-slurm, `NX_DAEMON=false` | ratio | nx-slurm's own part (daemon on) | issue 10 target |",
    );
    expect(table[2]).toBe(
      '| first launch (code and library just edited), until the job id | 2.00 s | 1.00 s | 0.50 | 3.00 s | 1.50 | 0.30 s | daemon ≤ 0.80, no daemon ≤ 1.50, own ≤ 0.30 s |',
    );
  });

  it('says whether each status answer was right', () => {
    expect(table.find((row) => row.includes('status'))).toContain(
      '0.40 s (wrong: COMPLETED) | 0.80 s (right) | 2.00 |',
    );
  });

  it('shows the floor without a ratio', () => {
    expect(table.find((row) => row.startsWith('| floor'))).toBe(
      '| floor: an `nx:run-commands` target running `true` | - | 0.60 s | - | - | - |  |  |',
    );
  });

  it('drops the peer columns when slurmpilot was not measured', () => {
    const alone = timesTable(
      summaries.filter((s) => s.tool !== 'slurmpilot'),
      'loopback',
    ).split('\n');
    expect(alone[0]).toBe(
      "| 100 indices unless said | nx-slurm, Nx daemon on | nx-slurm, `NX_DAEMON=false` | nx-slurm's own part (daemon on) | issue 10 target |",
    );
  });
});

describe('trafficTable', () => {
  it('gives bytes sent, connections and round trips per tool', () => {
    const table = trafficTable(summaries, 'loopback').split('\n');
    expect(table[0]).toBe(
      '| sent, connections, round trips | slurmpilot 0.2 | nx-slurm, daemon on | nx-slurm, `NX_DAEMON=false` |',
    );
    expect(table[2]).toBe(
      '| first launch (code and library just edited), until the job id | 1.25 MB, 3, 36 | 1.23 MB, 1, 12 | 1.23 MB, 1, 12 |',
    );
    expect(table.some((row) => row.includes('floor'))).toBe(false);
  });
});

describe('timelineTable', () => {
  it('gives when each phase ended and how long it took, each phase after the one it follows', () => {
    const table = timelineTable([
      {
        label: 'daemon',
        phases: [
          { name: 'executor started', atMs: 500 },
          { name: 'connected', atMs: 700 },
          { name: 'exit', atMs: 900 },
        ],
      },
      {
        label: 'no daemon',
        phases: [
          { name: 'executor started', atMs: 1500 },
          { name: 'exit', atMs: 2000 },
        ],
      },
    ]).split('\n');
    expect(table).toEqual([
      '| phase ends | daemon | no daemon |',
      '| --- | --- | --- |',
      '| executor started | 0.50 s (+0.50 s) | 1.50 s (+1.50 s) |',
      '| connected | 0.70 s (+0.20 s) | - |',
      '| exit | 0.90 s (+0.20 s) | 2.00 s (+0.50 s) |',
    ]);
  });
});

describe('comparisonSection', () => {
  const info: RunInfo = {
    date: '2026-12-08',
    machine: '2 x cpu',
    loadAtStart: 1,
    loadAtEnd: 2,
    repeat: 3,
    peer: 'python3',
  };

  it('starts with where and how it was measured, then one block per link measured', () => {
    const text = comparisonSection(
      summaries,
      [
        { name: 'loopback', label: 'loopback through the proxy' },
        { name: 'wan', label: 'shaped' },
      ],
      info,
      ['a note'],
    );
    expect(text).toMatch(/^Measured 2026-12-08 on 2 x cpu; medians of 3 interleaved round\(s\)/);
    expect(text).toContain('#### Loopback through the proxy');
    expect(text).not.toContain('#### Shaped');
    expect(text).toContain(
      "from the benchmark's own process, through the same proxy, 0.06 s (3.0 KB sent, 5 round trips).",
    );
    expect(text.trimEnd().endsWith('- a note')).toBe(true);
  });
});

describe('replaceSection', () => {
  it('replaces only the text between the markers', () => {
    const doc = 'intro\n<!-- bench:compare -->\nold\n<!-- /bench:compare -->\nprose by hand\n';
    expect(replaceSection(doc, 'compare', 'new figures\n')).toBe(
      'intro\n<!-- bench:compare -->\nnew figures\n<!-- /bench:compare -->\nprose by hand\n',
    );
  });

  it('appends the section when the document has no markers for it', () => {
    expect(replaceSection('intro\n', 'timeline', 'phases')).toBe(
      'intro\n\n<!-- bench:timeline -->\nphases\n<!-- /bench:timeline -->\n',
    );
  });
});
