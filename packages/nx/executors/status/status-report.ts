import { countStates, progressLine, resultsTable, type IndexResult, type SweepRecord } from '../../../launch';
import { TARGETS } from '../../targets';

/** What slurm-status prints for one sweep: its table and progress, or how to start a first run. */
export function statusReport(sweep: SweepRecord, results: IndexResult[], project: string): string {
  const { jobName, cluster } = sweep.request;
  if (results.length === 0)
    return `${jobName}: no run yet on ${cluster.name}. Start one with \`nx run ${project}:${TARGETS.array}\`.\n`;
  const counts = countStates(results.map((r) => r.state));
  const lines = [resultsTable(results), progressLine(jobName, { ...counts, total: sweep.items.length })];
  const neverRun = sweep.items.length - results.length;
  if (neverRun > 0) lines.push(`${neverRun} index(es) never submitted.`);
  return `${lines.join('\n')}\n`;
}
