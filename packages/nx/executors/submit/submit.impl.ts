import type { ExecutorContext } from '@nx/devkit';
import { launchSweep, prepareSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { print, withSweep } from '../with-sweep';

/** Submits what needs to run (or attaches to what is running) and returns without waiting. */
export default function submitExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    (request, openSession) => prepareSweep(request, { openSession }),
    async (sweep, session) => {
      for await (const _ of launchSweep(sweep, session, { wait: false, log: print })) {
        // completed indices come back at once; nothing else is awaited
      }
      const { done, attach, submit } = sweep.plan;
      print(
        `${sweep.request.jobName}: ${submit.length} submitted, ${attach.length} already queued or running, ${done.length} completed earlier.\n` +
          `Follow it with \`nx run ${context.projectName}:${TARGETS.status}\`, wait for it with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
      );
      return true;
    },
  );
}
