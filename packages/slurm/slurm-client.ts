import { framedCommands, framedResult, parseFrames } from '../shell';
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

type CommandResult = { stdout: string; stderr: string; code: number | null };

/** Runs argv[0] with the rest as arguments, nothing evaluated by a shell (a Transport's exec). */
export type SlurmExec = (argv: string[]) => Promise<CommandResult>;

/** A Slurm command line and the reader of its result (which throws a SlurmError when it failed). */
export interface SlurmCommand<T> {
  argv: string[];
  read(result: CommandResult): T;
}

function checked(command: string, result: CommandResult): string {
  if (result.code !== 0) throw SlurmError.from(command, result);
  return result.stdout;
}

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
    return this.configCommand().read(await this.exec(scontrolConfigArgv()));
  }

  /** `scontrol show config` as argv and reader, for a caller that runs it inside a command of its own. */
  configCommand(): SlurmCommand<SlurmConfig> {
    return { argv: scontrolConfigArgv(), read: (result) => parseSlurmConfig(checked('scontrol', result)) };
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
  async submit(args: SubmitArgs): Promise<string> {
    const command = this.submitCommand(args);
    return command.read(await this.exec(command.argv));
  }

  /** The sbatch of one array as argv and reader (its job id), for a caller that runs it itself. */
  submitCommand({ scriptPath, taskIds, maxConcurrent, offset }: SubmitArgs): SlurmCommand<string> {
    if (taskIds.length === 0) throw new Error('Nothing to submit: the array has no task ids.');
    const argv = sbatchArgv({ scriptPath, arraySpec: compressIndices(taskIds), maxConcurrent, offset });
    return { argv, read: (result) => parseSbatchOutput(checked('sbatch', result)) };
  }

  /**
   * Every known element of these jobs, from exactly one squeue and (while accounting works) one
   * sacct, whatever the number of elements, run together in one remote command.
   */
  async poll(jobIds: string[]): Promise<ElementStatus[]> {
    if (jobIds.length === 0) return [];
    const commands = [{ name: 'squeue', argv: squeueArgv(jobIds) }];
    if (!this.accountingDisabled) commands.push({ name: 'sacct', argv: sacctArgv(jobIds) });
    const result = await this.exec(framedCommands(commands));
    const frames = parseFrames(result.stdout);
    const squeue = framedResult(frames, 'squeue');
    // no frame at all: the remote command itself failed (bash, mktemp)
    if (!squeue) throw SlurmError.from('squeue', result);
    const sacct = framedResult(frames, 'sacct');
    return mergeStatuses(this.readSqueue(squeue), sacct ? this.readSacct(sacct) : []);
  }

  /** Cancels whole jobs, or only the given elements. */
  async cancel(jobIds: string[], elements?: { jobId: string; taskId: number }[]): Promise<void> {
    if (elements === undefined ? jobIds.length === 0 : elements.length === 0) return;
    await this.run(scancelArgv(jobIds, elements));
  }

  private readSqueue(result: CommandResult): ElementStatus[] {
    if (result.code === 0) return parseSqueue(result.stdout);
    if (FORGOTTEN_JOBS.test(result.stderr)) return [];
    throw SlurmError.from('squeue', result);
  }

  private readSacct(result: CommandResult): ElementStatus[] {
    if (result.code === 0) return parseSacct(result.stdout);
    if (saysAccountingDisabled(result)) {
      this.accountingDisabled = true;
      return [];
    }
    throw SlurmError.from('sacct', result);
  }

  private async run(argv: string[]): Promise<string> {
    return checked(argv[0], await this.exec(argv));
  }
}
