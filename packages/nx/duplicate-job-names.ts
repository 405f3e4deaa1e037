import { ConfigError } from '../config';

/** What duplicateJobNames needs of each sweep createNodes read. */
export interface JobNameOwner {
  file: string;
  projectName: string;
  sweep?: { jobName: string };
}

/**
 * The refusal of each slurm.json whose jobName another project has too (pure): two sweeps with
 * one name share one ledger and one runs/<jobName>/ folder on the cluster, so cancelling one
 * would cancel the other's jobs.
 */
export function duplicateJobNames(owners: readonly JobNameOwner[]): Map<string, string> {
  const byName = new Map<string, JobNameOwner[]>();
  for (const owner of owners) {
    if (!owner.sweep) continue;
    byName.set(owner.sweep.jobName, [...(byName.get(owner.sweep.jobName) ?? []), owner]);
  }
  const refusals = new Map<string, string>();
  for (const [jobName, sharing] of byName) {
    if (sharing.length < 2) continue;
    const named = sharing.map((o) => `${o.projectName} (${o.file})`);
    const list = `${named.length === 2 ? 'both ' : ''}${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
    for (const owner of sharing) {
      refusals.set(
        owner.file,
        new ConfigError({
          file: owner.file,
          path: 'jobName',
          expected: 'a job name no other sweep of the workspace has',
          found: JSON.stringify(jobName),
          hint:
            `jobName "${jobName}" is used by ${list}: it names their runs on the cluster and their ledger, ` +
            'so cancelling one would cancel the other; give each its own jobName',
        }).message,
      );
    }
  }
  return refusals;
}
