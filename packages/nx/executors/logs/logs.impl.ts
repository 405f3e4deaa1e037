import type { ExecutorContext } from '@nx/devkit';
import { printLog } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
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
    async (sweep, session, selected) => {
      if (selected?.length !== 1) {
        process.stderr.write(
          `nx-slurm: ${selected ? 'one index at a time' : 'which index?'} \`nx run ${context.projectName}:${TARGETS.logs} --index 0\`\n`,
        );
        return false;
      }
      const request = {
        index: selected[0],
        stream: options.stderr ? ('stderr' as const) : ('stdout' as const),
        follow: options.follow ?? false,
      };
      await printLog(sweep, session, request, {
        write: (chunk) => process.stdout.write(chunk),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      return true;
    },
    { allIndices: true },
  );
}
