import type { SweepRecord } from '../../../launch';
import { TARGETS } from '../../targets';

/** What slurm-status prints for one sweep: its status lines, or how to start a first run. */
export function statusLines(sweep: SweepRecord, status: string[] | undefined, project: string): string[] {
  const { jobName, cluster } = sweep.request;
  return (
    status ?? [`${jobName}: no run yet on ${cluster.name}. Start one with \`nx run ${project}:${TARGETS.array}\`.`]
  );
}
