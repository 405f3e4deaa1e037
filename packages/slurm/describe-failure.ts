import type { ElementStatus } from './element-status';
import { neverStartsBecause } from './pending-reasons';
import { isTransient } from './states';

/** Reasons that only repeat what the state already says. */
const OBVIOUS_REASONS = new Set(['None', 'NonZeroExitCode']);

/** One line saying how an element ended and, when there is one, what the user can do about it. */
export function describeFailure(status: ElementStatus): string {
  const { state, exitCode, signal, reason } = status;
  // reported as a result only once `retries` are used up (or were 0)
  if (isTransient(state))
    return `${state} (lost to the cluster, not to the program; "retries" in slurm.json resubmits such indices automatically)`;
  switch (state) {
    case 'FAILED': {
      // failed by nx-slurm itself, which cancelled an element that could never start
      const never = neverStartsBecause(reason);
      if (never) return `FAILED (Slurm can never start it: ${reason}; ${never})`;
      const details = [
        signal !== undefined
          ? `killed by signal ${signal}`
          : exitCode !== undefined
            ? `exit code ${exitCode}`
            : undefined,
        reason !== undefined && !OBVIOUS_REASONS.has(reason) ? reason : undefined,
      ].filter((part) => part !== undefined);
      return details.length === 0 ? 'FAILED' : `FAILED (${details.join('; ')})`;
    }
    case 'TIMEOUT':
      return 'TIMEOUT (time limit reached; raise resources.time)';
    case 'OUT_OF_MEMORY':
      return 'OUT_OF_MEMORY (memory limit reached; raise resources.mem)';
    case 'DEADLINE':
      return 'DEADLINE (the deadline passed before it finished)';
    case 'PENDING':
      return reason === undefined ? state : `${state} (${reason})`;
    default:
      // Other reasons are left over from pending (a cancelled element keeps `JobArrayTaskLimit`).
      return state;
  }
}
