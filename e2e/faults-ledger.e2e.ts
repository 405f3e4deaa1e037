/**
 * The ledger never plans from stale state (issue 11, item 5): what it says is queued or running
 * is refreshed from the cluster before any plan, so `slurm-submit` after a failed or cancelled
 * sweep submits again, `slurm-cancel` does not claim to cancel finished indices, and a run folder
 * deleted on the cluster is said to be gone instead of reading as COMPLETED.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { waitFor } from './support/cluster';
import { experiment, output, sacct, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(180_000);

const PROGRAM_PY = `import os, sys, time
time.sleep(float(sys.argv[sys.argv.index("--seconds") + 1]))
print("index", os.environ["NX_SLURM_INDEX"], "ends", flush=True)
sys.exit(int(sys.argv[sys.argv.index("--exit") + 1]))
`;

/**
 * Every element of the job has one of these states in sacct: `count` rows of its own, or some
 * in a folded row (`12_[0-1]`: elements cancelled while pending are only listed so).
 */
function settled(jobId: string, states: RegExp, count: number) {
  return waitFor(
    () => {
      const rows = sacct(jobId);
      const own = rows.filter((row) => /_\d+$/.test(row.jobId));
      const folded = rows.some((row) => /_\[/.test(row.jobId));
      return rows.length > 0 && rows.every((row) => states.test(row.state)) && (own.length === count || folded);
    },
    { what: `job ${jobId} to be ${states}`, timeoutMs: 60_000 },
  );
}

describe('plans start from the cluster, not from a stale ledger', () => {
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  const program = (name: string, seconds: number, exit: number) =>
    experiment(
      `experiments/${name}`,
      name,
      {
        jobName: jobName(name),
        command: 'python3 program.py',
        args: [`--seconds ${seconds} --exit ${exit} --n 0`, `--seconds ${seconds} --exit ${exit} --n 1`],
      },
      { 'program.py': PROGRAM_PY },
    );
  let ws: Workspace;
  let quickRunDir: string | undefined;
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    ws = await sweepWorkspace('faults-ledger', {
      ...program('fails', 0, 3),
      ...program('cancelled', 120, 0),
      ...program('quick', 0, 0),
    });
  });

  it('slurm-submit after the sweep failed submits the failed indices again', async () => {
    const first = await nx('run', 'fails:slurm-submit');
    expect(first.code).toBe(0);
    const [jobId] = submittedJobs(output(first));
    await settled(jobId, /^FAILED$/, 2);
    const again = await nx('run', 'fails:slurm-submit');
    const text = output(again);
    expect(again.code).toBe(0);
    expect(text).toContain(`${jobName('fails')}: 2 submitted, 0 already queued or running`);
    expect(submittedJobs(text)).toHaveLength(1);
    expect(submittedJobs(text)[0]).not.toBe(jobId);
  });

  it('slurm-submit after the job was cancelled on the cluster submits again', async () => {
    const first = await nx('run', 'cancelled:slurm-submit');
    const [jobId] = submittedJobs(output(first));
    // cancelled outside nx-slurm (scancel on the login node, an admin): this spec's own job
    execFileSync('scancel', [jobId]);
    await settled(jobId, /^CANCELLED/, 2);
    const again = await nx('run', 'cancelled:slurm-submit');
    const text = output(again);
    expect(text).toContain(`${jobName('cancelled')}: 2 submitted, 0 already queued or running`);
    const cancel = await nx('run', 'cancelled:slurm-cancel');
    expect(output(cancel)).toMatch(new RegExp(`cancelled ${submittedJobs(text)[0]}_0, ${submittedJobs(text)[0]}_1`));
  });

  it('slurm-cancel after the indices finished cancels nothing and says so', async () => {
    const first = await nx('run', 'quick:slurm-submit');
    const [jobId] = submittedJobs(output(first));
    quickRunDir = /, run (\/\S+)/.exec(output(first))?.[1];
    await settled(jobId, /^COMPLETED$/, 2);
    const cancel = await nx('run', 'quick:slurm-cancel');
    expect(cancel.code).toBe(0);
    expect(output(cancel)).toContain(`${jobName('quick')}: nothing queued or running to cancel`);
    expect(sacct(jobId).every((row) => row.state === 'COMPLETED')).toBe(true);
  });

  it('a run folder deleted on the cluster is said to be gone by slurm-status and slurm-logs', async () => {
    expect(quickRunDir).toBeDefined();
    rmSync(quickRunDir!, { recursive: true, force: true });
    const after = await nx('run', 'quick:slurm-status');
    expect(output(after)).toMatch(/run folder \S+ is gone from lab/);
    const logs = await nx('run', 'quick:slurm-logs', '--index', '0');
    expect(logs.code).not.toBe(0);
    expect(output(logs)).toMatch(/run folder \S+ is gone from lab/);
  });
});
