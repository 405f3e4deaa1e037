import { isFinal } from '../slurm';
import { knownEntries } from './inspect';
import type { LedgerEntry } from './ledger';
import type { PreparedSweep } from './prepare';
import { runFiles } from './remote-layout';
import type { Session } from './session';

export interface LogRequest {
  index: number;
  stream: 'stdout' | 'stderr';
  /** Keep printing what the log gains until the index ends. */
  follow: boolean;
}

export interface LogOutput {
  /** The log's bytes, as they arrive. */
  write(chunk: Buffer): void;
  /** Notices (a ledger recovered from the cluster), one line each. */
  log(line: string): void;
}

const FOLLOW_INTERVAL_MS = { min: 500, max: 10_000 };

/**
 * Prints one index's log from its latest run; with `follow`, until the index ends. Throws
 * when the index has not run on the sweep's cluster.
 */
export async function printLog(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  { index, stream, follow }: LogRequest,
  output: LogOutput,
): Promise<void> {
  const entry = (await knownEntries(sweep, session, output.log)).get(index);
  if (!entry) throw new Error(`${sweep.request.jobName}/${index} has not run yet on ${sweep.request.cluster.name}.`);
  const files = runFiles(entry.runDir);
  const path = stream === 'stderr' ? files.stderr(entry.runIndex) : files.stdout(entry.runIndex);
  const open = await session();
  if (follow) await followLog(open, entry, path, output);
  else output.write(await readLog(open, path, 0));
}

/** The log from byte `from` on; a log the job has not created yet is empty. */
function readLog(session: Session, path: string, from: number): Promise<Buffer> {
  return session.transport.readFile(path, from).catch((error) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
}

/**
 * Prints what the log gains until the element has ended. The scheduler is asked only while the
 * log is quiet, with back-off, so following a chatty job costs no scheduler commands.
 */
async function followLog(session: Session, entry: LedgerEntry, path: string, output: LogOutput): Promise<void> {
  let printed = 0;
  let interval = FOLLOW_INTERVAL_MS.min;
  for (;;) {
    const chunk = await readLog(session, path, printed);
    output.write(chunk);
    printed += chunk.length;
    if (chunk.length > 0) interval = FOLLOW_INTERVAL_MS.min;
    else {
      const statuses = await session.scheduler.poll([
        { jobId: entry.jobId, offset: entry.offset, taskIds: [entry.taskId] },
      ]);
      const status = statuses.find((s) => s.jobId === entry.jobId && s.taskId === entry.taskId);
      if (!status || isFinal(status.state)) {
        output.write(await readLog(session, path, printed));
        return;
      }
      interval = Math.min(FOLLOW_INTERVAL_MS.max, interval * 2);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
