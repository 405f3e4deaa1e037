/** What one measured command yields, and the medians over repeats: pure. */

/** The tools compared, in the order each round runs them. */
export const TOOLS = ['nx-daemon', 'slurmpilot', 'nx-no-daemon'] as const;
/** `ssh2`: one bare connection and sbatch from this process, the floor of what a launch can cost. */
export type Tool = (typeof TOOLS)[number] | 'ssh2';

/** Two links to the same sshd, through e2e/support/tcp-proxy.ts: as is, and shaped like a laptop's. */
export type LinkName = 'loopback' | 'wan';

export const SCENARIOS = [
  'first-100',
  'relaunch-unchanged',
  'relaunch-library',
  'first-1000',
  'status',
  'cancel',
  'floor-nx',
  'floor-ssh',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Traffic {
  connections: number;
  /** Client to cluster. */
  bytesUp: number;
  bytesDown: number;
  /** Direction changes from client-to-server to server-to-client, over all connections. */
  roundTrips: number;
}

export interface Sample {
  link: LinkName;
  scenario: Scenario;
  tool: Tool;
  round: number;
  /** The whole process, from spawn to exit. */
  ms: number;
  traffic: Traffic;
  /** nx-slurm's own part: its executor's start to the job recorded (from NX_SLURM_TIMELINE). */
  ownMs?: number;
  /** Status: whether the answer says that exactly the failing index failed, and what it said. */
  answer?: { right: boolean; said: string };
}

export interface Summary {
  link: LinkName;
  scenario: Scenario;
  tool: Tool;
  runs: number;
  ms: number;
  ownMs?: number;
  traffic: Traffic;
  /** Right only if every run's answer was right. */
  answer?: { right: boolean; said: string };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * A B C A B C ...: every tool's k-th run next to the others' k-th runs, so that a change of the
 * machine's load hits all tools alike instead of the one measured while it lasted.
 */
export function interleave<T>(tools: readonly T[], rounds: number): { tool: T; round: number }[] {
  const order: { tool: T; round: number }[] = [];
  for (let round = 0; round < rounds; round++) for (const tool of tools) order.push({ tool, round });
  return order;
}

/** Medians per link, scenario and tool, in the order first seen. */
export function summarize(samples: Sample[]): Summary[] {
  const groups = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = `${sample.link}\0${sample.scenario}\0${sample.tool}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return [...groups.values()].map((group) => {
    const { link, scenario, tool } = group[0];
    const own = group.map((s) => s.ownMs).filter((v): v is number => v !== undefined);
    const answers = group.map((s) => s.answer).filter((a) => a !== undefined);
    const of = (read: (t: Traffic) => number) => median(group.map((s) => read(s.traffic)));
    return {
      link,
      scenario,
      tool,
      runs: group.length,
      ms: median(group.map((s) => s.ms)),
      ownMs: own.length > 0 ? median(own) : undefined,
      traffic: {
        connections: of((t) => t.connections),
        bytesUp: of((t) => t.bytesUp),
        bytesDown: of((t) => t.bytesDown),
        roundTrips: of((t) => t.roundTrips),
      },
      answer:
        answers.length > 0
          ? { right: answers.every((a) => a.right), said: (answers.find((a) => !a.right) ?? answers[0]).said }
          : undefined,
    };
  });
}
