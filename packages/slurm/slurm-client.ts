import { parseSlurmConfig, sacctArgv, scancelArgv, scontrolConfigArgv, squeueArgv, type SlurmConfig } from './commands';
import { mergeStatuses, parseSacct, parseSqueue, type ElementStatus } from './element-status';
import { SlurmError } from './slurm-error';

/** Runs argv[0] with the rest as arguments, nothing evaluated by a shell (a Transport's exec). */
export type SlurmExec = (argv: string[]) => Promise<{ stdout: string; stderr: string; code: number | null }>;

/** squeue with only job ids slurmctld has forgotten (older than MinJobAge): nothing to list. */
const FORGOTTEN_JOBS = /invalid job id specified/i;
const ACCOUNTING_DISABLED = /accounting storage is disabled/i;

/** Typed calls to squeue, sacct, scancel and scontrol over an injected exec (sbatch: scheduler/slurm.ts, under its recording wrapper). */
export class SlurmClient {
  private accountingDisabled = false;

  constructor(private readonly exec: SlurmExec) {}

  /** False once sacct has said accounting is disabled; polls then use squeue alone. */
  get hasAccounting(): boolean {
    return !this.accountingDisabled;
  }

  async config(): Promise<SlurmConfig> {
    return parseSlurmConfig(await this.run(scontrolConfigArgv()));
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
    if (ACCOUNTING_DISABLED.test(`${result.stderr}\n${result.stdout}`)) {
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
