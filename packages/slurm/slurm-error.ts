/** Messages of failures that go away on their own: try again later (the peers agree on these). */
const RETRYABLE = [
  /socket timed out/i,
  /unable to contact slurm controller/i,
  /temporarily unable to accept job/i,
  /zero bytes were transmitted or received/i,
  // slurmdbd restarting or briefly unreachable (sacct).
  /problem talking to the database/i,
  /failed to open persistent connection/i,
  /(QOS|Assoc)Max\w*Limit/,
  /job violates accounting\/QOS policy/i,
];

const COMMAND_NOT_FOUND = 127;

/** A Slurm command that failed, with what it printed and whether trying again may help. */
export class SlurmError extends Error {
  override readonly name = 'SlurmError';

  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly code: number | null,
    readonly retryable: boolean,
  ) {
    const printed = stderr.trim() || (code === null ? 'killed by a signal' : `exit code ${code}`);
    super(`${command} failed: ${printed}${retryable ? ' (Slurm may accept it later: retrying can help)' : ''}`);
  }

  /** The shell's exit 127: the command is not on the PATH of the commands nx-slurm runs. */
  get commandNotFound(): boolean {
    return this.code === COMMAND_NOT_FOUND;
  }

  /** Builds the error for a command's output, deciding from its message whether to retry. */
  static from(command: string, result: { stderr: string; stdout: string; code: number | null }): SlurmError {
    const printed = `${result.stderr}\n${result.stdout}`;
    return new SlurmError(
      command,
      result.stderr || result.stdout,
      result.code,
      RETRYABLE.some((pattern) => pattern.test(printed)),
    );
  }
}
