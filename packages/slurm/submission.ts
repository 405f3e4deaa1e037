/**
 * Submitting an array exactly once, although sbatch is not idempotent and its reply can be lost
 * with the connection. Each submission carries a token in `--comment` and runs under a wrapper
 * that records on the cluster that sbatch started and how it ended. After a lost reply one
 * lookup (that record, and squeue by job name) says whether the array was accepted, is still
 * being submitted, or was not: only in the last case may it be submitted again.
 */
import { parseSbatchOutput } from './commands';

export function submissionComment(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error(`Invalid submission token ${JSON.stringify(token)}.`);
  return `nx-slurm:${token}`;
}

/**
 * Runs the command in "$2"... (sbatch), first leaving `<record>.started`, then its output and
 * exit code in `<record>.out`, `.err`, `.code`, and prints them as sbatch would. sbatch's output
 * goes to files, so it completes even when the connection that started it is gone.
 */
export const RECORDED_SUBMIT = `set -u
record=$1; shift
mkdir -p "\${record%/*}"
: > "$record.started"
"$@" > "$record.out" 2> "$record.err"
code=$?
printf '%s\\n' "$code" > "$record.code.tmp" && mv -f "$record.code.tmp" "$record.code"
cat "$record.out"; cat "$record.err" >&2
exit "$code"`;

const SQUEUE_MARK = '--- squeue';

/** What the record of a submission says, then the jobs squeue lists (the command in "$2"...). */
export const SUBMISSION_LOOKUP = `set -u
record=$1; shift
if [ -f "$record.code" ]; then printf 'ENDED %s\\n' "$(cat "$record.code")"; cat "$record.out"
elif [ -f "$record.started" ]; then echo STARTED
else echo NONE
fi
printf '%s\\n' '${SQUEUE_MARK}'
"$@"`;

/** Every job of this name that slurmctld still keeps, with its array job id and comment. */
export function squeueByNameArgv(jobName: string): string[] {
  return ['squeue', '-h', '-t', 'all', '--name', jobName, '-o', '%F|%k'];
}

export type SubmissionOutcome =
  | { state: 'accepted'; jobId: string }
  /** sbatch started and has not ended: it may still be accepted. */
  | { state: 'in-flight' }
  /** sbatch never started, or it ended without an array with this token. */
  | { state: 'not-accepted'; said?: string };

/** Reads what SUBMISSION_LOOKUP printed for the submission with this token. */
export function readSubmissionLookup(stdout: string, token: string): SubmissionOutcome {
  const lines = stdout.split('\n');
  const mark = lines.indexOf(SQUEUE_MARK);
  if (mark < 1) throw new Error(`Unexpected answer to a submission lookup: ${JSON.stringify(stdout.slice(0, 200))}.`);
  const comment = submissionComment(token);
  for (const line of lines.slice(mark + 1)) {
    const split = line.indexOf('|');
    if (split > 0 && line.slice(split + 1).trim() === comment)
      return { state: 'accepted', jobId: line.slice(0, split) };
  }
  const [record, ...sbatchOutput] = lines.slice(0, mark);
  const ended = /^ENDED (\d+)$/.exec(record);
  if (ended && ended[1] === '0') return { state: 'accepted', jobId: parseSbatchOutput(sbatchOutput.join('\n')) };
  if (ended) return { state: 'not-accepted', said: `sbatch exited with ${ended[1]}` };
  return record === 'STARTED' ? { state: 'in-flight' } : { state: 'not-accepted' };
}
