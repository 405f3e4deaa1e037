import { compressIndices, isSuccess } from '../slurm';
import { countStates, progressLine, resultsTable, type IndexResult } from './report';

/** Past this many indices the status table shows only the rows that need a look, unless `--all`. */
export const LARGE_TABLE_ROWS = 100;

/** `9000 COMPLETED, 985 PENDING, 15 FAILED`: most frequent first. */
export function stateSummary(results: readonly Pick<IndexResult, 'state'>[]): string {
  const counts = new Map<string, number>();
  for (const { state } of results) counts.set(state, (counts.get(state) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
}

/**
 * What `slurm-status` prints: the table (for a large sweep only the rows not COMPLETED unless
 * `all`), the count of each state, the progress line and the indices never submitted.
 */
export function statusReport(
  jobName: string,
  results: readonly IndexResult[],
  options: { total: number; all: boolean },
): string {
  const large = results.length > LARGE_TABLE_ROWS && !options.all;
  const shown = large ? results.filter((r) => !isSuccess(r.state)) : results;
  const lines: string[] = [];
  if (shown.length > 0) lines.push(resultsTable(shown));
  if (shown.length < results.length)
    lines.push(`(${results.length - shown.length} COMPLETED rows not shown: --all shows every row)`);
  lines.push(`by state: ${stateSummary(results)}`);
  lines.push(progressLine(jobName, { ...countStates(results.map((r) => r.state)), total: options.total }));
  const neverRun = options.total - results.length;
  if (neverRun > 0) lines.push(`${neverRun} index(es) never submitted.`);
  return lines.join('\n');
}

/** Elements as Slurm's range syntax, one item per job: `1234_[0-9684], 1240_7`. */
export function elementRanges(elements: readonly { jobId: string; taskId: number }[]): string {
  const byJob = new Map<string, number[]>();
  for (const { jobId, taskId } of elements) byJob.set(jobId, [...(byJob.get(jobId) ?? []), taskId]);
  return [...byJob]
    .map(([jobId, taskIds]) => {
      const spec = compressIndices(taskIds);
      return /^\d+$/.test(spec) ? `${jobId}_${spec}` : `${jobId}_[${spec}]`;
    })
    .join(', ');
}
