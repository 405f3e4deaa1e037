import { slurmTransience, type SlurmTransience } from './transient';

const COMMAND_NOT_FOUND = 127;

/** A Slurm command that failed, with what it printed and whether trying again may help. */
export class SlurmError extends Error {
  override readonly name = 'SlurmError';
  /** Whether trying again later can help. */
  readonly retryable: boolean;

  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly code: number | null,
    /** Set when the failure passes on its own (slurm/transient.ts): trying again later can help. */
    readonly transience?: SlurmTransience,
  ) {
    const retryable = transience !== undefined;
    const printed = stderr.trim() || (code === null ? 'killed by a signal' : `exit code ${code}`);
    super(`${command} failed: ${printed}${retryable ? ' (Slurm may accept it later: retrying can help)' : ''}`);
    this.retryable = retryable;
  }

  /** The shell's exit 127: the command is not on the PATH of the commands nx-slurm runs. */
  get commandNotFound(): boolean {
    return this.code === COMMAND_NOT_FOUND;
  }

  /** Builds the error for a command's output, deciding from its message whether to retry. */
  static from(command: string, result: { stderr: string; stdout: string; code: number | null }): SlurmError {
    const printed = `${result.stderr}\n${result.stdout}`;
    return new SlurmError(command, result.stderr || result.stdout, result.code, slurmTransience(printed));
  }
}
