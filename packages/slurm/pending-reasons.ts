/**
 * Pending reasons (squeue's `%r`) that waiting cannot clear: Slurm accepted the job, but no
 * change of load, priority or time lets it start. Each comes with what the user can change.
 */
const NEVER_STARTS: { pattern: RegExp; explanation: string }[] = [
  {
    pattern: /^PartitionConfig$/,
    explanation:
      'the partition cannot provide what each index requests; lower resources.cpusPerTask, resources.mem or resources.gpus, ' +
      'or choose another resources.partition (`sinfo -o "%P %c %m %G"` lists what each partition offers)',
  },
  {
    pattern: /^PartitionNodeLimit$/,
    explanation:
      'the request needs more nodes than the partition allows; lower the node count in resources.extra or choose another resources.partition',
  },
  {
    pattern: /^PartitionTimeLimit$/,
    explanation:
      'resources.time is longer than the partition\'s time limit; lower it or choose another resources.partition (`sinfo -o "%P %l"` lists the limits)',
  },
  {
    pattern: /^BadConstraints$/,
    explanation:
      'no node has the requested features; check --constraint in resources.extra (`sinfo -o "%N %f"` lists the features)',
  },
  {
    // "ReqNodeNotAvail, UnavailableNodes:node[1-2]": the nodes it needs are down or drained.
    // A maintenance reservation gives the same reason and ends on its own.
    pattern: /^ReqNodeNotAvail(?!.*(?:Reserved|maintenance))/i,
    explanation:
      'the nodes it requires are down or drained; drop the node list (--nodelist, --exclude) in resources.extra or ask the admins',
  },
  {
    pattern: /^InvalidAccount$/,
    explanation:
      'resources.account is not an account you may use (`sacctmgr show assoc user=$USER format=account` lists yours)',
  },
  {
    pattern: /^InvalidQOS$/,
    explanation:
      'resources.qos is not allowed for your account (`sacctmgr show assoc user=$USER format=account,qos` lists them)',
  },
  {
    // A per-job limit of a QOS or an association: this job exceeds it whatever else runs.
    pattern: /^(?:QOS|Assoc)Max\w*PerJob(?:Limit)?$/,
    explanation:
      'each index asks for more than a per-job limit of your QOS or account allows; lower resources (cpus, memory, GPUs, time)',
  },
];

/**
 * What the user must change when an element is pending for a reason that never clears by
 * waiting; undefined for reasons that do (Priority, Resources, JobArrayTaskLimit, ...).
 */
export function neverStartsBecause(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return NEVER_STARTS.find(({ pattern }) => pattern.test(reason.trim()))?.explanation;
}
