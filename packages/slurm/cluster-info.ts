/**
 * Command lines and readers for what a cluster check asks Slurm: the version sbatch reports,
 * the partitions sinfo lists, and whether sacct has accounting storage behind it.
 */

export interface Partition {
  name: string;
  /** Marked `*` by sinfo: jobs that name no partition go there. */
  isDefault: boolean;
  /** `up`, `down`, `drain`, `inact`. */
  availability: string;
  /** As sinfo prints it: `1-00:00:00`, `infinite`. */
  timeLimit: string;
  nodes: number;
}

export function sbatchVersionArgv(): string[] {
  return ['sbatch', '--version'];
}

/** `slurm 23.11.4` or `slurm-wlm 21.08.5` -> the version alone. */
export function parseSbatchVersion(stdout: string): string {
  return stdout.trim().replace(/^slurm(-wlm)?\s+/i, '');
}

/** `%P` ends with `*` for the default partition; none of these fields can hold a `|`. */
const SINFO_FORMAT = '%P|%a|%l|%D';

export function sinfoPartitionsArgv(): string[] {
  return ['sinfo', '-h', '-o', SINFO_FORMAT];
}

/** `debug*|up|1-00:00:00|2` lines. */
export function parsePartitions(stdout: string): Partition[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', availability = '', timeLimit = '', nodes = ''] = line.split('|');
      const isDefault = name.endsWith('*');
      return {
        name: isDefault ? name.slice(0, -1) : name,
        isDefault,
        availability,
        timeLimit,
        nodes: Number(nodes) || 0,
      };
    });
}

/** The cheapest question sacct answers only with accounting storage: jobs started from now on. */
export function sacctProbeArgv(): string[] {
  return ['sacct', '-n', '-X', '-P', '-S', 'now', '-o', 'JobID'];
}

const ACCOUNTING_DISABLED = /accounting storage is disabled/i;

/** Whether sacct said the cluster keeps no accounting (no slurmdbd): squeue is all there is. */
export function saysAccountingDisabled(result: { stdout: string; stderr: string }): boolean {
  return ACCOUNTING_DISABLED.test(`${result.stderr}\n${result.stdout}`);
}
