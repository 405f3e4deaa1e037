import { compressIndices } from './array-indices';
import {
  parseSbatchOutput,
  parseSlurmConfig,
  sacctArgv,
  sbatchArgv,
  scancelArgv,
  scontrolConfigArgv,
  squeueArgv,
  type SlurmConfig,
} from './commands';
import {
  parsePartitions,
  parseSbatchVersion,
  sacctProbeArgv,
  saysAccountingDisabled,
  sbatchVersionArgv,
  sinfoPartitionsArgv,
  type Partition,
} from './cluster-info';
import { mergeStatuses, parseSacct, parseSqueue, type ElementStatus } from './element-status';
import { SlurmError } from './slurm-error';

/** Runs argv[0] with the rest as arguments, nothing evaluated by a shell (a Transport's exec). */
export type SlurmExec = (argv: string[]) => Promise<{ stdout: string; stderr: string; code: number | null }>;

export interface SubmitArgs {
  scriptPath: string;
  taskIds: number[];
  maxConcurrent?: number;
  offset: number;
}

/** squeue with only job ids slurmctld has forgotten (older than MinJobAge): nothing to list. */
const FORGOTTEN_JOBS = /invalid job id specified/i;

/** Typed calls to sbatch, squeue, sacct, scancel, scontrol and sinfo over an injected exec. */
export class SlurmClient {
  private accountingDisabled = false;

  constructor(private readonly exec: SlurmExec) {}

  async config(): Promise<SlurmConfig> {
    return parseSlurmConfig(await this.run(scontrolConfigArgv()));
  }

  /** What sbatch reports, `23.11.4`; a SlurmError with `commandNotFound` when sbatch is not on the PATH. */
  async version(): Promise<string> {
    return parseSbatchVersion(await this.run(sbatchVersionArgv()));
  }

  async partitions(): Promise<Partition[]> {
    return parsePartitions(await this.run(sinfoPartitionsArgv()));
  }

  /**
   * `disabled` when the cluster keeps no accounting storage (polls then use squeue alone);
   * a SlurmError when sacct fails for another reason.
   */
  async accounting(): Promise<'works' | 'disabled'> {
    const result = await this.exec(sacctProbeArgv());
    if (saysAccountingDisabled(result)) {
      this.accountingDisabled = true;
      return 'disabled';
    }
    if (result.code !== 0) throw SlurmError.from('sacct', result);
    return 'works';
  }

  /** Submits one array and returns its job id. */
  async submit({ scriptPath, taskIds, maxConcurrent, offset }: SubmitArgs): Promise<string> {
    if (taskIds.length === 0) throw new Error('Nothing to submit: the array has no task ids.');
    const argv = sbatchArgv({ scriptPath, arraySpec: compressIndices(taskIds), maxConcurrent, offset });
    return parseSbatchOutput(await this.run(argv));
  }

  /**
   * Every known element of these jobs, from exactly one squeue and (while accounting works) one
   * sacct, whatever the number of elements.
   */
  async poll(jobIds: string[]): Promise<ElementStatus[]> {
    if (jobIds.length === 0) return [];
    const [squeue, sacct] = await Promise.all([this.squeue(jobIds), this.sacct(jobIds)]);
    return mergeStatuses(squeue, sacct);
  }

  /** Cancels whole jobs, or only the given elements. */
  async cancel(jobIds: string[], elements?: { jobId: string; taskId: number }[]): Promise<void> {
    if (elements === undefined ? jobIds.length === 0 : elements.length === 0) return;
    await this.run(scancelArgv(jobIds, elements));
  }

  private async squeue(jobIds: string[]): Promise<ElementStatus[]> {
    const result = await this.exec(squeueArgv(jobIds));
    if (result.code === 0) return parseSqueue(result.stdout);
    if (FORGOTTEN_JOBS.test(result.stderr)) return [];
    throw SlurmError.from('squeue', result);
  }

  private async sacct(jobIds: string[]): Promise<ElementStatus[]> {
    if (this.accountingDisabled) return [];
    const result = await this.exec(sacctArgv(jobIds));
    if (result.code === 0) return parseSacct(result.stdout);
    if (saysAccountingDisabled(result)) {
      this.accountingDisabled = true;
      return [];
    }
    throw SlurmError.from('sacct', result);
  }

  private async run(argv: string[]): Promise<string> {
    const result = await this.exec(argv);
    if (result.code !== 0) throw SlurmError.from(argv[0], result);
    return result.stdout;
  }
}
