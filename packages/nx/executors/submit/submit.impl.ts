import type { ExecutorContext } from '@nx/devkit';
import { submitSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { print, withSweep } from '../with-sweep';

/** Submits what needs to run (or attaches to what is running) and returns without waiting. */
export default function submitExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(options, context, async (sweep, session) => {
    const { submitted, attached, done } = await submitSweep(sweep, session, print);
    print(
      `${sweep.request.jobName}: ${submitted} submitted, ${attached} already queued or running, ${done} completed earlier.\n` +
        `Follow it with \`nx run ${context.projectName}:${TARGETS.status}\`, wait for it with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
    );
    return true;
  });
}
