import { describeFailure, isFinal, isSuccess, type SlurmState } from '../slurm';
import { formatArgv } from '../shell';

/** The outcome of one sweep index, whether it ran now, was attached to or was already done. */
export interface IndexResult {
  index: number;
  argv: readonly string[];
  state: SlurmState;
  exitCode?: number;
  signal?: number;
  node?: string;
  jobId: string;
  taskId: number;
  runDir: string;
  /** The index's number inside runDir (`logs/<runIndex>.out`). */
  runIndex: number;
  start?: string;
  end?: string;
  /** Slurm's reason: why it is pending, or why it could never start. */
  reason?: string;
  /** Completed in an earlier launch with the same fingerprint: not run again. */
  fromLedger: boolean;
  stdoutTail?: string;
  stderrTail?: string;
}

export interface ProgressCounts {
  done: number;
  running: number;
  pending: number;
  failed: number;
  total: number;
}

export function countStates(states: SlurmState[]): ProgressCounts {
  const counts: ProgressCounts = { done: 0, running: 0, pending: 0, failed: 0, total: states.length };
  for (const state of states) {
    if (isSuccess(state)) counts.done++;
    else if (isFinal(state)) counts.failed++;
    else if (state === 'PENDING' || state === 'REQUEUED') counts.pending++;
    else counts.running++;
  }
  return counts;
}

/** Slurm's reasons for the elements still pending, each once ("None" says nothing). */
export function pendingReasons(elements: readonly { state: SlurmState; reason?: string }[]): string[] {
  const reasons = elements
    .filter((e) => (e.state === 'PENDING' || e.state === 'REQUEUED') && e.reason && e.reason !== 'None')
    .map((e) => e.reason!);
  return [...new Set(reasons)].sort();
}

/** `fine-tune-mlp: 4/10 done, 3 running, 2 pending (Priority, Resources), 1 failed` */
export function progressLine(jobName: string, c: ProgressCounts, reasons: readonly string[] = []): string {
  const pending = reasons.length > 0 ? `${c.pending} pending (${reasons.join(', ')})` : `${c.pending} pending`;
  return `${jobName}: ${c.done}/${c.total} done, ${c.running} running, ${pending}, ${c.failed} failed`;
}

export function elapsedSeconds(start?: string, end?: string): number | undefined {
  if (!start) return undefined;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : Date.now();
  return Number.isFinite(from) && Number.isFinite(to) ? Math.max(0, Math.round((to - from) / 1000)) : undefined;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
    : `${m}:${String(s).padStart(2, '0')}`;
}

const MAX_ARGS_WIDTH = 60;

/** The per-index table: index, arguments, state, exit code, elapsed, node, job id. */
export function resultsTable(results: IndexResult[]): string {
  const header = ['index', 'arguments', 'state', 'exit', 'elapsed', 'node', 'job'];
  const rows = [...results]
    .sort((a, b) => a.index - b.index)
    .map((r) => [
      String(r.index),
      truncate(formatArgv(r.argv), MAX_ARGS_WIDTH),
      r.fromLedger
        ? `${r.state} (earlier run)`
        : r.reason && !isSuccess(r.state)
          ? `${r.state} (${r.reason})`
          : r.state,
      r.exitCode === undefined ? '-' : String(r.exitCode),
      formatDuration(elapsedSeconds(r.start, r.end)),
      r.node ?? '-',
      `${r.jobId}_${r.taskId}`,
    ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => cell.padEnd(widths[col]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** What Nx shows as one index task's output. */
export function indexSummary(jobName: string, r: IndexResult): string {
  const lines = [
    `${jobName}/${r.index}: ${isSuccess(r.state) ? r.state : describeFailure(r)}${r.fromLedger ? ' (completed in an earlier run, not resubmitted)' : ''}`,
    `  arguments: ${formatArgv(r.argv)}`,
    `  job ${r.jobId}_${r.taskId} on ${r.node ?? '-'}, elapsed ${formatDuration(elapsedSeconds(r.start, r.end))}`,
    `  run folder: ${r.runDir} (logs/${r.runIndex}.out, logs/${r.runIndex}.err, out/${r.runIndex}/)`,
  ];
  if (r.stdoutTail) lines.push('--- stdout (tail) ---', r.stdoutTail.trimEnd());
  if (r.stderrTail) lines.push('--- stderr (tail) ---', r.stderrTail.trimEnd());
  return lines.join('\n') + '\n';
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
