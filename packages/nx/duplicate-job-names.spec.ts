import { duplicateJobNames } from './duplicate-job-names';

describe('duplicateJobNames', () => {
  const owner = (projectName: string, jobName?: string) => ({
    file: `experiments/${projectName}/slurm.json`,
    projectName,
    sweep: jobName === undefined ? undefined : { jobName },
  });

  it('refuses every project of a shared jobName, naming them all', () => {
    const refusals = duplicateJobNames([owner('a', 'twin'), owner('b', 'twin'), owner('c', 'c'), owner('d')]);
    expect([...refusals.keys()]).toEqual(['experiments/a/slurm.json', 'experiments/b/slurm.json']);
    expect(refusals.get('experiments/a/slurm.json')).toBe(
      'experiments/a/slurm.json: jobName: expected a job name no other sweep of the workspace has, found "twin"; ' +
        'jobName "twin" is used by both a (experiments/a/slurm.json) and b (experiments/b/slurm.json): it names their ' +
        'runs on the cluster and their ledger, so cancelling one would cancel the other; give each its own jobName',
    );
  });

  it('lists three owners without "both"', () => {
    const refusals = duplicateJobNames([owner('a', 'x'), owner('b', 'x'), owner('c', 'x')]);
    expect(refusals.get('experiments/c/slurm.json')).toContain(
      'is used by a (experiments/a/slurm.json), b (experiments/b/slurm.json) and c (experiments/c/slurm.json)',
    );
  });

  it('refuses nothing when every name is its own', () => {
    expect(duplicateJobNames([owner('a', 'a'), owner('b', 'b')]).size).toBe(0);
  });
});
