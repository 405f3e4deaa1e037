import type { Transport } from './transport';

/**
 * A fixed bash program run on the cluster. Every value reaches it as a positional argument
 * ("$1"...), so nothing a user wrote is ever evaluated by a shell.
 */
export interface RemoteScript {
  /** Says which script failed, in messages: `install-bundles`. */
  name: string;
  body: string;
}

/** A remote script that ran and exited non-zero (or was killed): which one, where, and what it printed. */
export class RemoteScriptError extends Error {
  override readonly name = 'RemoteScriptError';

  constructor(
    readonly script: string,
    readonly target: string,
    /** Null when a signal killed it. */
    readonly code: number | null,
    readonly stderr: string,
  ) {
    const ending = code === null ? 'was killed by a signal' : `exited ${code}`;
    const printed = stderr.trim() ? `: ${stderr.trim()}` : ' without a message';
    super(
      `The remote script "${script}" ${ending} on ${target}${printed}. ` +
        'Check the free space and permissions of the remote root there, then run again.',
    );
  }
}

/**
 * Runs `bash -c BODY nx-slurm ARGS...` and returns its stdout; a non-zero exit throws a
 * RemoteScriptError, a broken connection the transport's own error.
 */
export async function runRemoteScript(
  transport: Transport,
  script: RemoteScript,
  args: string[],
  options: { stdin?: string | Buffer } = {},
): Promise<string> {
  const result = await transport.exec(['bash', '-c', script.body, 'nx-slurm', ...args], options);
  if (result.code !== 0) throw new RemoteScriptError(script.name, transport.target, result.code, result.stderr);
  return result.stdout;
}
