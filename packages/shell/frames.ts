/**
 * Named values a remote script prints for nx-slurm, each as `\0nx-slurm:<name>\0<value>\0`, so
 * that whatever else reaches stdout (a login banner from ~/.bashrc) is never taken for one.
 * Values hold no NUL byte.
 */

/** The bash function remote scripts print their frames with: `frame NAME VALUE`. */
export const FRAME_FUNCTION = `frame() { printf '\\0nx-slurm:%s\\0%s\\0' "$1" "$2"; }`;

/** The frames in a script's output so far: a frame counts once its closing NUL has arrived. */
export function parseFrames(stdout: string): Map<string, string> {
  const frames = new Map<string, string>();
  const parts = stdout.split('\0');
  for (let k = 0; k + 2 < parts.length; k++) {
    const name = /^nx-slurm:([a-z-]+)$/.exec(parts[k])?.[1];
    if (name !== undefined) {
      frames.set(name, parts[k + 1]);
      k++;
    }
  }
  return frames;
}

/**
 * One bash command that runs several commands one after the other (one wait on the cluster for
 * all of them); each one's stdout, stderr and exit code come back as the frames `<name>-out`,
 * `<name>-err` and `<name>-code` (trailing newlines dropped, as `$(...)` drops them).
 */
export function framedCommands(commands: { name: string; argv: string[] }[]): string[] {
  return [
    'bash',
    '-c',
    FRAMED_COMMANDS,
    'nx-slurm',
    ...commands.flatMap((c) => [c.name, String(c.argv.length), ...c.argv]),
  ];
}

/** `$@`: per command, its name, its word count, its words. */
const FRAMED_COMMANDS = `${FRAME_FUNCTION}
while [ $# -gt 0 ]; do
  name=$1; words=$2; shift 2
  err=$(mktemp); code=0
  out=$("\${@:1:$words}" 2>"$err") || code=$?
  frame "$name-out" "$out"; frame "$name-err" "$(cat "$err")"; frame "$name-code" "$code"
  rm -f "$err"; shift "$words"
done`;

/** What one command of framedCommands printed and how it ended; undefined when it did not run. */
export function framedResult(
  frames: Map<string, string>,
  name: string,
): { stdout: string; stderr: string; code: number } | undefined {
  const code = frames.get(`${name}-code`);
  if (code === undefined) return undefined;
  return { stdout: frames.get(`${name}-out`) ?? '', stderr: frames.get(`${name}-err`) ?? '', code: Number(code) };
}
