import { indexOfTarget, indexTargetName, sweepTargets, targetGroups, TARGETS } from './targets';

const command = ['python', 'train.py'];
const vectors = [
  ['--lr', '0.01'],
  ['--lr', '0.1'],
  ['--lr', 'a b'],
];
const targets = sweepTargets({
  projectRoot: 'experiments/exp',
  sweep: { jobName: 'exp', command, vectors },
  libraries: ['libs/metrics/'],
});

describe('indexTargetName / indexOfTarget', () => {
  it('names index i slurm-array--<i> and reads the index back', () => {
    expect(indexTargetName(0)).toBe('slurm-array--0');
    expect(indexTargetName(12)).toBe('slurm-array--12');
    expect(indexOfTarget('slurm-array--12')).toBe(12);
    expect(indexOfTarget(indexTargetName(7))).toBe(7);
  });

  it('gives undefined for any other target name', () => {
    for (const name of [
      'slurm-array',
      'slurm-array--',
      'slurm-array--x',
      'slurm-array--1a',
      'xslurm-array--1',
      'slurm-status',
      'build',
    ]) {
      expect(indexOfTarget(name)).toBeUndefined();
    }
  });
});

describe('sweepTargets', () => {
  it('makes one cached slurm-array--<i> per index, running nx-slurm:array with {index}', () => {
    const indexNames = Object.keys(targets).filter((name) => indexOfTarget(name) !== undefined);
    expect(indexNames).toEqual(['slurm-array--0', 'slurm-array--1', 'slurm-array--2']);
    indexNames.forEach((name, index) => {
      expect(targets[name]).toMatchObject({ executor: 'nx-slurm:array', options: { index }, cache: true });
    });
  });

  it('makes index tasks depend on the source, the folder of each library entry and NX_SLURM_CLUSTER', () => {
    const inputs = targets['slurm-array--1'].inputs;
    expect(inputs).toEqual(
      expect.arrayContaining(['default', '^default', '{workspaceRoot}/libs/metrics/**/*', { env: 'NX_SLURM_CLUSTER' }]),
    );
  });

  it('describes each index by its job name, command and arguments, quoted as a shell would read them', () => {
    expect(targets['slurm-array--1'].metadata?.description).toBe('exp/1: python train.py --lr 0.1');
    expect(targets['slurm-array--2'].metadata?.description).toBe("exp/2: python train.py --lr 'a b'");
  });

  it('aggregates every index in slurm-array: nx:noop, dependsOn each index with params forwarded', () => {
    expect(targets[TARGETS.array]).toMatchObject({
      executor: 'nx:noop',
      dependsOn: [
        { target: 'slurm-array--0', params: 'forward' },
        { target: 'slurm-array--1', params: 'forward' },
        { target: 'slurm-array--2', params: 'forward' },
      ],
    });
    expect(targets[TARGETS.array].metadata?.description).toContain('3-index sweep exp');
  });

  it('never caches the run-management targets, each with its own executor', () => {
    expect(targets['slurm-submit']).toMatchObject({ executor: 'nx-slurm:submit', cache: false });
    expect(targets['slurm-status']).toMatchObject({ executor: 'nx-slurm:status', cache: false });
    expect(targets['slurm-logs']).toMatchObject({ executor: 'nx-slurm:logs', cache: false });
    expect(targets['slurm-cancel']).toMatchObject({ executor: 'nx-slurm:cancel', cache: false });
  });

  it('caches slurm-bundle with its tarballs under dist/nx-slurm/<projectRoot>, without env inputs', () => {
    expect(targets['slurm-bundle']).toMatchObject({
      executor: 'nx-slurm:bundle',
      cache: true,
      outputs: ['{workspaceRoot}/dist/nx-slurm/experiments/exp'],
    });
    expect(targets['slurm-bundle'].inputs).toEqual(['default', '^default', '{workspaceRoot}/libs/metrics/**/*']);
    const atRoot = sweepTargets({ projectRoot: '', sweep: { jobName: 'exp', command, vectors }, libraries: [] });
    expect(atRoot['slurm-bundle'].outputs).toEqual(['{workspaceRoot}/dist/nx-slurm/.']);
  });

  it('describes an index of a command without arguments by the command alone', () => {
    const single = sweepTargets({ projectRoot: 'p', sweep: { jobName: 'one', command, vectors: [[]] }, libraries: [] });
    expect(single['slurm-array--0'].metadata?.description).toBe('one/0: python train.py');
  });
});

describe('targetGroups', () => {
  it('groups the aggregator, every index, then the run-management targets', () => {
    expect(targetGroups(vectors)).toEqual({
      'Slurm sweep': [
        'slurm-array',
        'slurm-array--0',
        'slurm-array--1',
        'slurm-array--2',
        'slurm-submit',
        'slurm-status',
        'slurm-logs',
        'slurm-cancel',
        'slurm-bundle',
      ],
    });
  });
});
