/**
 * Which Slurm failures pass on their own, read from what the command printed (the peers agree
 * on these, see SLURM-FACTS.md's list). `unreachable`: the controller or the accounting daemon
 * did not answer (a restart, a failover, a network blip); `busy`: Slurm answered but asks to try
 * later (a full queue, a submit limit).
 */
export type SlurmTransience = 'unreachable' | 'busy';

const UNREACHABLE = [
  /socket timed out/i,
  /unable to contact slurm controller/i,
  /zero bytes were transmitted or received/i,
  // a backup controller answers while the primary is away
  /in standby mode/i,
  // slurmdbd restarting or briefly unreachable (sacct)
  /problem talking to the database/i,
  /failed to open persistent connection/i,
];

const BUSY = [/temporarily unable to accept job/i, /(QOS|Assoc)Max\w*Limit/, /job violates accounting\/QOS policy/i];

/** The kind of transient failure this output shows, or undefined when trying again cannot help. */
export function slurmTransience(printed: string): SlurmTransience | undefined {
  if (UNREACHABLE.some((pattern) => pattern.test(printed))) return 'unreachable';
  if (BUSY.some((pattern) => pattern.test(printed))) return 'busy';
  return undefined;
}
