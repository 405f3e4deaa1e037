import type { ArrayJob, Scheduler, SubmitRequest } from '../scheduler';
import { submissionComment } from '../slurm';
import { faultOf, GaveUpError, patiently, retryNotice, type Patience, type RetryScope } from './faults';
import { Outage } from './patience';

/**
 * Submits one array exactly once. sbatch is tried again after transient faults, under the
 * patience; but a fault may hide an accepted array (its reply lost with the connection, a
 * controller that timed out after accepting), so before each new try the last one is looked up
 * by its token, and waited for while it is still under way.
 */
export async function submitOnce(
  scheduler: Scheduler,
  request: SubmitRequest,
  scope: RetryScope,
  patience: Patience,
): Promise<ArrayJob> {
  const { sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)), now = Date.now } = patience;
  const unsure: RetryScope = { ...scope, submission: submissionComment(request.token) };
  let outage: Outage | undefined;
  for (;;) {
    try {
      return await scheduler.submit(request);
    } catch (error) {
      const fault = faultOf(error);
      if (!fault) throw error;
      outage ??= new Outage(patience.patienceMs, now);
      let underWay = false;
      for (;;) {
        const next = outage.next();
        if (!next) throw new GaveUpError(fault, unsure, outage.elapsedMs());
        patience.log(
          underWay
            ? `${scope.jobName}: the sbatch sent before the fault is still running on ${scope.cluster}; waiting for its outcome (attempt ${next.attempt}, next in ${Math.round(next.delayMs / 1000)} s)`
            : retryNotice(fault, unsure, next),
        );
        await sleep(next.delayMs);
        const outcome = await patiently(() => scheduler.findSubmission(request), unsure, patience);
        if (outcome.state === 'accepted') {
          patience.log(
            `${scope.jobName}: the reply of sbatch was lost; job ${outcome.jobId} carries this launch's token: attached to it, not submitted again`,
          );
          return { jobId: outcome.jobId, offset: request.offset, taskIds: request.taskIds };
        }
        if (outcome.state === 'not-accepted') break;
        // still under way on the login node: it may yet be accepted
        underWay = true;
      }
    }
  }
}
