import type { ExecutorContext } from '@nx/devkit';
import { inspectSweep, printLog } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { printError, writeOut } from '../output';
import { withSweep } from '../with-sweep';

export interface LogsOptions extends RunFlags {
  stderr?: boolean;
  follow?: boolean;
}

/** Prints one index's stdout (or stderr) log; `--follow` tails it until the index ends. */
export default function logsExecutor(options: LogsOptions, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    inspectSweep,
    async (sweep, session) => {
      if (options.index === undefined) {
        await printError(`nx-slurm: which index? \`nx run ${context.projectName}:${TARGETS.logs} --index 0\``);
        return false;
      }
      const request = {
        index: Number(options.index),
        stream: options.stderr ? ('stderr' as const) : ('stdout' as const),
        follow: options.follow ?? false,
      };
      await printLog(sweep, session, request, {
        write: (chunk) => writeOut(process.stdout, chunk),
        log: (line) => void printError(line),
      });
      return true;
    },
    { allIndices: true },
  );
}
