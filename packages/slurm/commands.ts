/**
 * Command lines for Slurm's tools, as argv arrays (never shell strings), and readers for what
 * they print for a launch (cluster-info.ts has those of a cluster check). With it, the only
 * place that knows their flags and columns.
 */

export interface SbatchArgs {
  scriptPath: string;
  /** Compressed task ids, `0-3,7`. */
  arraySpec: string;
  /** At most this many elements running at once (`%N`). */
  maxConcurrent?: number;
  /** Added to each task id to give the sweep index (the script's first argument). */
  offset: number;
}

export function sbatchArgv({ scriptPath, arraySpec, maxConcurrent, offset }: SbatchArgs): string[] {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(arraySpec)) {
    throw new Error(`Invalid array spec ${JSON.stringify(arraySpec)}: expected task ids like "0-3,7".`);
  }
  if (maxConcurrent !== undefined && (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)) {
    throw new Error(`maxConcurrent must be a positive integer, got ${maxConcurrent}.`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`offset must be a non-negative integer, got ${offset}.`);
  const throttle = maxConcurrent === undefined ? '' : `%${maxConcurrent}`;
  return ['sbatch', '--parsable', `--array=${arraySpec}${throttle}`, scriptPath, String(offset)];
}

/** `--parsable` prints `jobid` or `jobid;cluster`. */
export function parseSbatchOutput(stdout: string): string {
  const line = stdout.trim().split('\n').pop() ?? '';
  const jobId = line.split(';')[0].trim();
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${JSON.stringify(stdout.trim())}.`);
  return jobId;
}

/** Separator-safe: none of these fields can contain `|`. */
const SQUEUE_FORMAT = '%i|%T|%r|%N|%S|%e';

/** One line per element (`-r`), finished ones included (`-t all`) while slurmctld still keeps them. */
export function squeueArgv(jobIds: string[]): string[] {
  return ['squeue', '-r', '-h', '-t', 'all', '-j', jobIdList(jobIds), '-o', SQUEUE_FORMAT];
}

const SACCT_FORMAT = 'JobID,JobIDRaw,State,ExitCode,Start,End,NodeList';

/**
 * Allocations only (`-X`), `|`-separated (`-P`), no header (`-n`). SLURM_BITSTR_LEN=0 keeps
 * folded rows (`1234_[6-999%3]`) whole instead of cut at 64 bytes; `env` sets it so the argv
 * works the same spawned locally or run over SSH.
 */
export function sacctArgv(jobIds: string[]): string[] {
  return ['env', 'SLURM_BITSTR_LEN=0', 'sacct', '-j', jobIdList(jobIds), '-X', '-P', '-n', `--format=${SACCT_FORMAT}`];
}

/** Whole jobs, or only the given elements (`1234_5`). */
export function scancelArgv(jobIds: string[], elements?: { jobId: string; taskId: number }[]): string[] {
  if (elements !== undefined) {
    if (elements.length === 0) throw new Error('scancel needs at least one element.');
    return ['scancel', ...elements.map(({ jobId, taskId }) => `${checkedJobId(jobId)}_${taskId}`)];
  }
  return ['scancel', ...jobIds.map(checkedJobId)];
}

export function scontrolConfigArgv(): string[] {
  return ['scontrol', 'show', 'config'];
}

export interface SlurmConfig {
  /** Highest array task id + 1. */
  maxArraySize: number;
  /** Seconds slurmctld keeps a finished job (and squeue still shows it). */
  minJobAge: number;
  maxJobCount: number;
  version?: string;
  /** `accounting_storage/slurmdbd`, or `accounting_storage/none` when sacct cannot work. */
  accountingStorageType?: string;
}

/** Slurm's defaults, for keys a site's `scontrol show config` leaves out. */
const CONFIG_DEFAULTS = { maxArraySize: 1001, minJobAge: 300, maxJobCount: 10000 };

/** Reads `scontrol show config` (`Key = Value` lines; MinJobAge prints as `300 sec`). */
export function parseSlurmConfig(stdout: string): SlurmConfig {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\S+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  const number = (key: string, fallback: number) => {
    const value = /^\d+/.exec(values.get(key) ?? '');
    return value ? Number(value[0]) : fallback;
  };
  const text = (key: string) => {
    const value = values.get(key);
    return value === undefined || value === '(null)' || value === '' ? undefined : value;
  };
  const config: SlurmConfig = {
    maxArraySize: number('MaxArraySize', CONFIG_DEFAULTS.maxArraySize),
    minJobAge: number('MinJobAge', CONFIG_DEFAULTS.minJobAge),
    maxJobCount: number('MaxJobCount', CONFIG_DEFAULTS.maxJobCount),
  };
  const version = text('SLURM_VERSION');
  const accountingStorageType = text('AccountingStorageType');
  if (version !== undefined) config.version = version;
  if (accountingStorageType !== undefined) config.accountingStorageType = accountingStorageType;
  return config;
}

function checkedJobId(jobId: string): string {
  if (!/^\d+$/.test(jobId)) throw new Error(`Not a Slurm job id: ${JSON.stringify(jobId)}.`);
  return jobId;
}

function jobIdList(jobIds: string[]): string {
  if (jobIds.length === 0) throw new Error('A Slurm query needs at least one job id.');
  return jobIds.map(checkedJobId).join(',');
}
