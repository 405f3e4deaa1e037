import type { ExecutorContext } from '@nx/devkit';
import { isFinal } from '../../../slurm';
import { knownEntries, runFiles, type LedgerEntry, type Session } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { withSweep } from '../with-sweep';

export interface LogsOptions extends RunFlags {
  stderr?: boolean;
  follow?: boolean;
}

const FOLLOW_INTERVAL_MS = 1000;

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
        process.stderr.write(`nx-slurm: ${sweep.request.jobName}/${index} has not run yet on ${sweep.request.cluster.name}.\n`);
        return false;
      }
      const files = runFiles(entry.runDir);
      const path = options.stderr ? files.stderr(entry.runIndex) : files.stdout(entry.runIndex);
      const open = await session();
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

async function readLog(session: Session, path: string, from: number): Promise<Buffer> {
  const data = await session.transport.readFile(path).catch((error) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  return data.subarray(from);
}

/** Prints what the log gains until the element is final and the log stops growing. */
async function follow(session: Session, entry: LedgerEntry, path: string): Promise<void> {
  let printed = 0;
  for (;;) {
    const [status] = await session.scheduler.poll([{ jobId: entry.jobId, offset: entry.offset, taskIds: [entry.taskId] }]).then((all) =>
      all.filter((s) => s.taskId === entry.taskId),
    );
    const chunk = await readLog(session, path, printed);
    process.stdout.write(chunk);
    printed += chunk.length;
    if ((!status || isFinal(status.state)) && chunk.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}
