import type { ExecutorContext } from '@nx/devkit';
import { isFinal } from '../../../slurm';
import {
  faultHandling,
  goneRunFolder,
  knownEntries,
  missingRunFolders,
  runFiles,
  type LedgerEntry,
  type Session,
} from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { withSweep } from '../with-sweep';

export interface LogsOptions extends RunFlags {
  stderr?: boolean;
  follow?: boolean;
}

const FOLLOW_INTERVAL_MS = { min: 500, max: 10_000 };

/** Prints one index's stdout (or stderr) log; `--follow` tails it until the index ends. */
export default function logsExecutor(options: LogsOptions, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep, session) => {
      if (options.index === undefined) {
        process.stderr.write(`nx-slurm: which index? \`nx run ${context.projectName}:${TARGETS.logs} --index 0\`\n`);
        return false;
      }
      const index = Number(options.index);
      const entry = (await knownEntries(sweep, session, (line) => process.stderr.write(`${line}\n`))).get(index);
      if (!entry) {
        process.stderr.write(
          `nx-slurm: ${sweep.request.jobName}/${index} has not run yet on ${sweep.request.cluster.name}.\n`,
        );
        return false;
      }
      const files = runFiles(entry.runDir);
      const path = options.stderr ? files.stderr(entry.runIndex) : files.stdout(entry.runIndex);
      const open = await session();
      const faults = faultHandling(
        open.cluster,
        sweep.request.jobName,
        () => [],
        (line) => process.stderr.write(`${line}\n`),
      );
      if ((await missingRunFolders(open, [entry.runDir], faults)).size > 0) {
        process.stderr.write(
          `nx-slurm: ${sweep.request.jobName}/${index}: ${goneRunFolder(entry.runDir, open.cluster.name)}\n`,
        );
        return false;
      }
      if (!options.follow) {
        process.stdout.write(await readLog(open, path, 0));
        return true;
      }
      await follow(open, entry, path);
      return true;
    },
    { allIndices: true },
  );
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
async function follow(session: Session, entry: LedgerEntry, path: string): Promise<void> {
  let printed = 0;
  let interval = FOLLOW_INTERVAL_MS.min;
  for (;;) {
    const chunk = await readLog(session, path, printed);
    process.stdout.write(chunk);
    printed += chunk.length;
    if (chunk.length > 0) interval = FOLLOW_INTERVAL_MS.min;
    else {
      const statuses = await session.scheduler.poll([
        { jobId: entry.jobId, offset: entry.offset, taskIds: [entry.taskId] },
      ]);
      const status = statuses.find((s) => s.jobId === entry.jobId && s.taskId === entry.taskId);
      if (!status || isFinal(status.state)) {
        process.stdout.write(await readLog(session, path, printed));
        return;
      }
      interval = Math.min(FOLLOW_INTERVAL_MS.max, interval * 2);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
