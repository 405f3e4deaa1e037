/** Tables of the benchmark's figures (Markdown, printed and written into docs/benchmarks.md): pure. */
import type { LinkName, Scenario, Summary, Tool } from './stats';
import type { Phase } from './timeline';

export const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);

export function bytes(count: number): string {
  if (count < 1000) return `${Math.round(count)} B`;
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)} KB`;
  return `${(count / 1_000_000).toFixed(2)} MB`;
}

/** `measured / reference`, two decimals: below 1 means nx-slurm is faster. */
export function ratio(measured: number, reference: number): string {
  return (measured / reference).toFixed(2);
}

export const SCENARIO_LABELS: Record<Scenario, string> = {
  'first-100': 'first launch (code and library just edited), until the job id',
  'relaunch-unchanged': 'unchanged relaunch (nx-slurm: `slurm-submit --force`)',
  'relaunch-library': 'relaunch after a library edit',
  'first-1000': 'first launch of 1000 indices',
  status: 'status of a finished sweep in which index 42 exited 3',
  cancel: 'cancel',
  'floor-nx': 'floor: an `nx:run-commands` target running `true`',
  'floor-ssh': 'floor: one ssh2 connection + `sbatch --array=0-99`',
};

/**
 * What issue 10 asks of each figure: the ratio to slurmpilot with the daemon on, without it, and
 * nx-slurm's own part; for status and cancel, the time over the `nx:run-commands` floor.
 */
export const TARGETS: Record<LinkName, Partial<Record<Scenario, string>>> = {
  loopback: {
    'first-100': 'daemon ≤ 0.80, no daemon ≤ 1.50, own ≤ 0.30 s',
    'relaunch-unchanged': 'daemon ≤ 0.50, no daemon ≤ 1.50, own ≤ 0.15 s',
    'relaunch-library': 'no daemon ≤ 1.50',
    'first-1000': 'daemon ≤ 1.00, no daemon ≤ 1.50, own ≤ 0.50 s',
    status: 'floor + 0.25 s',
    cancel: 'floor + 0.25 s',
  },
  wan: {
    'first-100': 'daemon ≤ 0.60',
    'relaunch-unchanged': 'daemon ≤ 0.40',
  },
};

/** Scenarios in table order: the floors last. */
const ROWS: Scenario[] = [
  'first-100',
  'relaunch-unchanged',
  'relaunch-library',
  'first-1000',
  'status',
  'cancel',
  'floor-nx',
];

function markdownTable(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function find(summaries: Summary[], link: LinkName, scenario: Scenario, tool: Tool): Summary | undefined {
  return summaries.find((s) => s.link === link && s.scenario === scenario && s.tool === tool);
}

function answerNote(s: Summary | undefined): string {
  if (!s?.answer) return '';
  return s.answer.right ? ' (right)' : ` (wrong: ${s.answer.said})`;
}

/**
 * Times (medians) with `nx-slurm / slurmpilot` ratios, one row per scenario; without the peer,
 * nx-slurm's columns alone.
 */
export function timesTable(summaries: Summary[], link: LinkName): string {
  const peer = summaries.some((s) => s.tool === 'slurmpilot');
  const header = [
    '100 indices unless said',
    ...(peer ? ['slurmpilot 0.2'] : []),
    'nx-slurm, Nx daemon on',
    ...(peer ? ['ratio'] : []),
    'nx-slurm, `NX_DAEMON=false`',
    ...(peer ? ['ratio'] : []),
    "nx-slurm's own part (daemon on)",
    'issue 10 target',
  ];
  const floor = find(summaries, link, 'floor-nx', 'nx-daemon');
  const rows = ROWS.filter((scenario) => summaries.some((s) => s.link === link && s.scenario === scenario)).map(
    (scenario) => {
      const pilot = find(summaries, link, scenario, 'slurmpilot');
      const cells = [SCENARIO_LABELS[scenario]];
      if (peer) cells.push(pilot ? `${seconds(pilot.ms)}${answerNote(pilot)}` : '-');
      let own: number | undefined;
      for (const tool of ['nx-daemon', 'nx-no-daemon'] as const) {
        const nx = find(summaries, link, scenario, tool);
        cells.push(nx ? `${seconds(nx.ms)}${answerNote(nx)}` : '-');
        if (peer) cells.push(nx && pilot ? ratio(nx.ms, pilot.ms) : '-');
        own ??= nx?.ownMs;
      }
      cells.push(own === undefined ? '' : seconds(own));
      const target = TARGETS[link][scenario] ?? '';
      const overFloor = find(summaries, link, scenario, 'nx-daemon');
      cells.push(
        target.startsWith('floor') && floor && overFloor
          ? `${target} (daemon on: floor + ${seconds(overFloor.ms - floor.ms)})`
          : target,
      );
      return cells;
    },
  );
  return markdownTable(header, rows);
}

/** Bytes sent, SSH connections and round trips (medians) of each tool, one row per scenario. */
export function trafficTable(summaries: Summary[], link: LinkName): string {
  const tools = (['slurmpilot', 'nx-daemon', 'nx-no-daemon'] as const).filter((tool) =>
    summaries.some((s) => s.tool === tool),
  );
  const names: Record<(typeof tools)[number], string> = {
    slurmpilot: 'slurmpilot 0.2',
    'nx-daemon': 'nx-slurm, daemon on',
    'nx-no-daemon': 'nx-slurm, `NX_DAEMON=false`',
  };
  const header = ['sent, connections, round trips', ...tools.map((tool) => names[tool])];
  const rows = ROWS.filter((scenario) => scenario !== 'floor-nx')
    .filter((scenario) => summaries.some((s) => s.link === link && s.scenario === scenario))
    .map((scenario) => [
      SCENARIO_LABELS[scenario],
      ...tools.map((tool) => {
        const s = find(summaries, link, scenario, tool);
        if (!s) return '-';
        const { bytesUp, connections, roundTrips } = s.traffic;
        return `${bytes(bytesUp)}, ${connections}, ${roundTrips}`;
      }),
    ]);
  return markdownTable(header, rows);
}

/** The floor of a launch on this link, in one sentence. */
export function floorLine(summaries: Summary[], link: LinkName): string {
  const bare = find(summaries, link, 'floor-ssh', 'ssh2');
  return bare
    ? `Floor of a launch on this link: one ssh2 connection and \`sbatch --array=0-99\` from the benchmark's own process, through the same proxy, ${seconds(bare.ms)} (${bytes(bare.traffic.bytesUp)} sent, ${bare.traffic.roundTrips} round trips).`
    : '';
}

/**
 * Phases of a launch, one column per way of running it: when each phase ended (seconds since
 * the command started) and, in brackets, how long it took since the phase before.
 */
export function timelineTable(timelines: { label: string; phases: Phase[] }[]): string {
  const rows = phaseOrder(timelines).map((name) => [
    name,
    ...timelines.map(({ phases }) => {
      const k = phases.findIndex((p) => p.name === name);
      if (k < 0) return '-';
      const since = k === 0 ? phases[k].atMs : phases[k].atMs - phases[k - 1].atMs;
      return `${seconds(phases[k].atMs)} (+${seconds(since)})`;
    }),
  ]);
  return markdownTable(['phase ends', ...timelines.map((t) => t.label)], rows);
}

/** Every phase once, each after the phase it follows in the first column that has it. */
function phaseOrder(timelines: { phases: Phase[] }[]): string[] {
  const names: string[] = [];
  for (const { phases } of timelines)
    phases.forEach((phase, k) => {
      if (names.includes(phase.name)) return;
      names.splice(k === 0 ? 0 : names.indexOf(phases[k - 1].name) + 1, 0, phase.name);
    });
  return names;
}

/** Nx's own performance marks worth reading, in this order, when present. */
const PERF_NAMES = [
  'createProjectGraphAsync',
  'Load Nx Plugin: nx-slurm',
  'nx-slurm:createNodes',
  'createNodes:merge',
  'nx-slurm:createDependencies',
  'hashMultipleTasks',
  'TaskOrchestrator-run-batch',
];

/** `name 123 ms` for each of Nx's marks worth reading that the run has. */
export function perfMarks(perf: Map<string, number>): string[] {
  return PERF_NAMES.filter((name) => perf.has(name)).map((name) => `${name} ${Math.round(perf.get(name)!)} ms`);
}

/**
 * `doc` with the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` replaced by
 * `body` (the section appended when the markers are missing); the rest of the file untouched.
 */
export function replaceSection(doc: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return doc.slice(0, start) + block + doc.slice(end + close.length);
}

export interface OverheadRow {
  what: string;
  measured: number;
  baseline?: number;
  baselineIs?: string;
  note?: string;
}

/** The overhead part's plain-text table: measured, baseline, overhead, ratio. */
export function overheadTable(rows: OverheadRow[]): string {
  const header = ['measurement', 'nx-slurm', 'baseline', 'overhead', 'ratio', 'baseline is / note'];
  const cells = rows.map((r) => [
    r.what,
    seconds(r.measured),
    r.baseline === undefined ? '-' : seconds(r.baseline),
    r.baseline === undefined ? '-' : seconds(r.measured - r.baseline),
    r.baseline === undefined ? '-' : `${(r.measured / r.baseline).toFixed(1)}x`,
    [r.baselineIs, r.note].filter(Boolean).join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const format = (c: string[]) =>
    c
      .map((cell, i) => (i === 0 || i === c.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(format)].join('\n');
}

/** Where and how a run was measured: the header of every generated section. */
export interface RunInfo {
  date: string;
  machine: string;
  loadAtStart: number;
  loadAtEnd: number;
  repeat: number;
  /** slurmpilot's interpreter, or why it was not measured. */
  peer: string;
}

function header(info: RunInfo, what: string): string {
  return (
    `Measured ${info.date} on ${info.machine}; ${what}. Load average ${info.loadAtStart.toFixed(2)} ` +
    `when the run started and ${info.loadAtEnd.toFixed(2)} when it ended (above the core count, other work inflated every figure).`
  );
}

/** The comparison, one block per link: times with ratios, then bytes, connections and round trips. */
export function comparisonSection(
  summaries: Summary[],
  links: { name: LinkName; label: string }[],
  info: RunInfo,
  notes: string[],
): string {
  const blocks = links
    .filter((link) => summaries.some((s) => s.link === link.name))
    .map((link) =>
      [
        `#### ${link.label[0].toUpperCase()}${link.label.slice(1)}`,
        timesTable(summaries, link.name),
        trafficTable(summaries, link.name),
        floorLine(summaries, link.name),
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  return [
    header(info, `medians of ${info.repeat} interleaved round(s); slurmpilot: ${info.peer}`),
    ...blocks,
    ...(notes.length > 0 ? [notes.map((n) => `- ${n.replace(/\n/g, '\n  ')}`).join('\n')] : []),
  ].join('\n\n');
}

export function timelineSection(timelines: { label: string; phases: Phase[] }[], perf: Map<string, number>): string {
  const marks = perfMarks(perf);
  return [
    timelineTable(timelines),
    ...(marks.length > 0 ? [`\`NX_PERF_LOGGING\` of the \`slurm-array\` run: ${marks.join(', ')}.`] : []),
  ].join('\n\n');
}

export function overheadSection(rows: OverheadRow[], notes: string[], info: RunInfo): string {
  return [
    header(info, `short measurements: median of ${info.repeat}`),
    `\`\`\`\n${overheadTable(rows)}\n\`\`\``,
    notes.map((n) => `- ${n}`).join('\n'),
  ].join('\n\n');
}
