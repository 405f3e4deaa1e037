/**
 * sshd runs every command through the user's login shell, which may print first: a ~/.bashrc
 * banner, a `module` warning, a quota notice. A marker line, printed on stdout and stderr right
 * before the command replaces the shell, separates that noise from the command's own output.
 */
export interface OutputFrame {
  /** The command line for the login shell: both markers, then `exec` of the command. */
  command(quotedArgv: string): string;
  /** What the command printed: everything after the first marker line (all of it when there is none). */
  strip(output: string): string;
}

/** `token` makes the marker unguessable for whatever the login shell prints. */
export function outputFrame(token: string): OutputFrame {
  if (!/^[A-Za-z0-9_-]+$/.test(token))
    throw new Error(`outputFrame: the token must be a plain word, got ${JSON.stringify(token)}`);
  const marker = `nx-slurm-output-${token}`;
  return {
    command: (quotedArgv) => `printf '%s\\n' ${marker}; printf '%s\\n' ${marker} >&2; exec ${quotedArgv}`,
    strip(output) {
      const line = `${marker}\n`;
      const at = output.indexOf(line);
      // no marker: the login shell failed before the command started, and its words explain why
      return at < 0 ? output : output.slice(at + line.length);
    },
  };
}
