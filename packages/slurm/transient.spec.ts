import { slurmTransience } from './transient';

describe('slurmTransience', () => {
  it.each([
    'slurm_load_jobs error: Unable to contact slurm controller (connect failure)',
    'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation',
    'squeue: error: Zero Bytes were transmitted or received',
    'slurm_load_jobs error: Slurm backup controller in standby mode',
    'sacct: error: Problem talking to the database: Connection refused',
    'sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused',
  ])('an unanswered controller or database is unreachable: %s', (printed) => {
    expect(slurmTransience(printed)).toBe('unreachable');
  });

  it.each([
    'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying',
    'sbatch: error: QOSMaxSubmitJobPerUserLimit',
    'sbatch: error: AssocMaxJobsLimit',
    "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
  ])('a controller asking to try later is busy: %s', (printed) => {
    expect(slurmTransience(printed)).toBe('busy');
  });

  it.each([
    'sbatch: error: Batch job submission failed: Requested node configuration is not available',
    'sbatch: error: invalid partition specified: gpu',
    'squeue: error: Invalid user: nobody',
    'bash: sbatch: command not found',
    '',
  ])('anything else is not transient: %j', (printed) => {
    expect(slurmTransience(printed)).toBeUndefined();
  });
});
