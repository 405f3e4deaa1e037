import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepConfigSchema, type ResolvedCluster } from '../config';
import type { ArrayJob, Scheduler } from '../scheduler';
import type { ElementStatus } from '../slurm';
import { resolveSweep } from '../sweep';
import { LocalTransport } from '../transport';
import { ClusterFactsFile } from './cluster-facts';
import { currentResults } from './inspect';
import type { LedgerEntry } from './ledger';
import { readSweepRecord, type SweepRecord } from './prepare';
import type { Session } from './session';

/** A scheduler whose polls say every polled element completed, and which counts them. */
function countingScheduler() {
  const polls: ArrayJob[][] = [];
  const scheduler: Scheduler = {
    name: 'slurm',
    pollIntervalMs: { min: 1, max: 1 },
    limits: async () => ({ maxArraySize: 1001 }),
    limitsCommand: () => undefined,
    submit: async () => {
      throw new Error('status never submits');
    },
    submitCommand: () => undefined,
    cancel: async () => undefined,
    poll: async (jobs): Promise<ElementStatus[]> => {
      polls.push(jobs);
      return jobs.flatMap((job) => job.taskIds.map((taskId) => ({ jobId: job.jobId, taskId, state: 'COMPLETED' })));
    },
  };
  return { scheduler, polls };
}

describe('currentResults: the status of several sweeps', () => {
  let workspace: string;
  beforeEach(async () => (workspace = await mkdtemp(join(tmpdir(), 'nx-slurm-inspect-'))));
  afterEach(() => rm(workspace, { recursive: true, force: true }));

  const cluster = (name: string): ResolvedCluster => ({
    name,
    scheduler: 'slurm',
    transport: 'local',
    profile: { remoteRoot: '/r' },
  });

  /** A sweep of two indices whose ledger has them in `jobId`, in the given state. */
  async function sweepIn(jobName: string, on: ResolvedCluster, jobId: string, state: LedgerEntry['state']) {
    const config = sweepConfigSchema.parse({ command: 'python3 train.py', args: ['--n 0', '--n 1'], jobName });
    const sweep = resolveSweep({ config, file: join(jobName, 'slurm.json'), projectName: jobName }, on);
    const record = await readSweepRecord({
      ...sweep,
      workspaceRoot: workspace,
      projectRoot: jobName,
      libraries: [],
      cluster: on,
    });
    const entries = record.items.map((item): LedgerEntry => ({
      fingerprint: `${jobName}-${item.index}`,
      argv: item.argv,
      runId: '20261208-000000-0000',
      runDir: `/r/runs/${jobName}/20261208-000000-0000`,
      runIndex: item.index,
      jobId,
      taskId: item.index,
      offset: 0,
      state,
      attempts: 1,
    }));
    await record.ledgerFile.save(entries);
    return readSweepRecord(record.request);
  }

  it('refreshes the unfinished indices of every sweep of a cluster with one poll, over one session', async () => {
    const { scheduler, polls } = countingScheduler();
    const opened: string[] = [];
    const sessionOf = async (sweep: SweepRecord): Promise<Session> => {
      opened.push(sweep.request.jobName);
      return {
        cluster: sweep.request.cluster,
        transport: new LocalTransport(),
        scheduler,
        remoteRoot: '/r',
        installedBundles: new Map(),
        facts: ClusterFactsFile.at(workspace, sweep.request.cluster.name, 'localhost'),
      };
    };
    const lab = cluster('lab');
    const sweeps = [
      await sweepIn('a', lab, '10', 'RUNNING'),
      await sweepIn('b', lab, '20', 'PENDING'),
      await sweepIn('c', lab, '30', 'COMPLETED'),
    ];

    const results = await currentResults(sweeps, sessionOf, () => {});

    expect(polls).toEqual([
      [
        { jobId: '10', offset: 0, taskIds: [0, 1] },
        { jobId: '20', offset: 0, taskIds: [0, 1] },
      ],
    ]);
    expect(opened).toEqual(['a']);
    expect(results.map((r) => r.map((i) => `${i.jobId}_${i.taskId}:${i.state}`))).toEqual([
      ['10_0:COMPLETED', '10_1:COMPLETED'],
      ['20_0:COMPLETED', '20_1:COMPLETED'],
      ['30_0:COMPLETED', '30_1:COMPLETED'],
    ]);
    // what the poll said is kept for the next status
    const b = await readSweepRecord(sweeps[1].request);
    expect(Object.values(b.ledger.entries).map((e) => e.state)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('opens no session when every sweep has finished', async () => {
    const finished = [
      await sweepIn('a', cluster('lab'), '10', 'COMPLETED'),
      await sweepIn('b', cluster('lab'), '20', 'FAILED'),
    ];

    const results = await currentResults(
      finished,
      () => Promise.reject(new Error('no session should be opened')),
      () => {},
    );

    expect(results.map((r) => r.map((i) => i.state))).toEqual([
      ['COMPLETED', 'COMPLETED'],
      ['FAILED', 'FAILED'],
    ]);
  });
});
