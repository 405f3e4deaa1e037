import { describeFailure } from './describe-failure';
import type { ElementStatus } from './element-status';

const element = (fields: Omit<ElementStatus, 'jobId' | 'taskId'>): ElementStatus => ({
  jobId: '1',
  taskId: 0,
  ...fields,
});

describe('describeFailure', () => {
  it.each<[Omit<ElementStatus, 'jobId' | 'taskId'>, string]>([
    [{ state: 'FAILED', exitCode: 3 }, 'FAILED (exit code 3)'],
    [{ state: 'FAILED', exitCode: 3, reason: 'NonZeroExitCode' }, 'FAILED (exit code 3)'],
    [
      { state: 'FAILED', exitCode: 0, signal: 9, reason: 'JobLaunchFailure' },
      'FAILED (killed by signal 9; JobLaunchFailure)',
    ],
    [{ state: 'FAILED' }, 'FAILED'],
    [{ state: 'TIMEOUT', exitCode: 0 }, 'TIMEOUT (time limit reached; raise resources.time)'],
    [{ state: 'OUT_OF_MEMORY', exitCode: 0, signal: 125 }, 'OUT_OF_MEMORY (memory limit reached; raise resources.mem)'],
    [{ state: 'CANCELLED', reason: 'JobArrayTaskLimit' }, 'CANCELLED'],
    [
      { state: 'NODE_FAIL' },
      'NODE_FAIL (lost to the cluster, not to the program; "retries" in slurm.json resubmits such indices automatically)',
    ],
    [
      { state: 'BOOT_FAIL' },
      'BOOT_FAIL (lost to the cluster, not to the program; "retries" in slurm.json resubmits such indices automatically)',
    ],
    [
      { state: 'PREEMPTED' },
      'PREEMPTED (lost to the cluster, not to the program; "retries" in slurm.json resubmits such indices automatically)',
    ],
    [{ state: 'DEADLINE' }, 'DEADLINE (the deadline passed before it finished)'],
    [{ state: 'PENDING', reason: 'Priority' }, 'PENDING (Priority)'],
    [
      { state: 'FAILED', reason: 'PartitionTimeLimit' },
      'FAILED (Slurm can never start it: PartitionTimeLimit; resources.time is longer than the partition\'s time limit; lower it or choose another resources.partition (`sinfo -o "%P %l"` lists the limits))',
    ],
    [{ state: 'COMPLETED', exitCode: 0 }, 'COMPLETED'],
    [{ state: 'UNKNOWN' }, 'UNKNOWN'],
  ])('%j -> %s', (fields, text) => {
    expect(describeFailure(element(fields))).toBe(text);
  });
});
