import { launchSweep } from './launch';
import type { PreparedSweep } from './prepare';
import type { Session } from './session';

/** How many indices a submission sent, found queued or running, or found completed earlier. */
export interface SubmitCounts {
  submitted: number;
  attached: number;
  done: number;
}

/** Submits what needs to run (or attaches to what is running) and returns without waiting. */
export async function submitSweep(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<SubmitCounts> {
  const launch = launchSweep(sweep, session, { wait: false, log });
  // completed indices come back at once; nothing else is awaited. The plan the launch returns
  // is the one it followed: made from the cluster's run folders when the workspace had no ledger.
  let step = await launch.next();
  while (!step.done) step = await launch.next();
  const { done, attach, submit } = step.value;
  return { submitted: submit.length, attached: attach.length, done: done.length };
}
