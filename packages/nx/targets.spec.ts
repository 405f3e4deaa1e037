import { indexTargetName, indicesOfTarget, sweepTargets, targetGroups, taskTargetName, TARGETS } from './targets';

const command = ['python', 'train.py'];
const vectors = [
  ['--lr', '0.01'],
  ['--lr', '0.1'],
  ['--lr', 'a b'],
];
const targets = sweepTargets({
  projectRoot: 'experiments/exp',
  sweep: { jobName: 'exp', command, vectors, indexTasks: 1000 },
  libraries: ['libs/metrics/'],
});

describe('task target names', () => {
  it('names index i slurm-array--<i>, a block slurm-array--<first>-<last>, and reads them back', () => {
    expect(indexTargetName(0)).toBe('slurm-array--0');
    expect(indexTargetName(12)).toBe('slurm-array--12');
    expect(indicesOfTarget('slurm-array--12')).toEqual({ first: 12, last: 12 });
    expect(taskTargetName({ first: 7, last: 7 })).toBe('slurm-array--7');
    expect(taskTargetName({ first: 100, last: 199 })).toBe('slurm-array--100-199');
    expect(indicesOfTarget('slurm-array--100-199')).toEqual({ first: 100, last: 199 });
  });

  it('gives undefined for any other target name', () => {
    for (const name of [
      'slurm-array',
      'slurm-array--',
      'slurm-array--x',
      'slurm-array--1a',
      'slurm-array--9-3',
      'slurm-array--1-2-3',
      'xslurm-array--1',
      'slurm-status',
      'build',
    ]) {
      expect(indicesOfTarget(name)).toBeUndefined();
    }
  });
});

describe('sweepTargets', () => {
  it('makes one cached slurm-array--<i> per index, running nx-slurm:array with {index}', () => {
    const indexNames = Object.keys(targets).filter((name) => indicesOfTarget(name) !== undefined);
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
    const atRoot = sweepTargets({
      projectRoot: '',
      sweep: { jobName: 'exp', command, vectors, indexTasks: 1000 },
      libraries: [],
    });
    expect(atRoot['slurm-bundle'].outputs).toEqual(['{workspaceRoot}/dist/nx-slurm/.']);
  });

  it('describes an index of a command without arguments by the command alone', () => {
    const single = sweepTargets({
      projectRoot: 'p',
      sweep: { jobName: 'one', command, vectors: [[]], indexTasks: 1000 },
      libraries: [],
    });
    expect(single['slurm-array--0'].metadata?.description).toBe('one/0: python train.py');
  });
});

describe('sweepTargets past indexTasks', () => {
  const many = Array.from({ length: 10_005 }, (_, i) => ['--i', String(i)]);
  const big = { jobName: 'big', command, vectors: many, indexTasks: 1000 };
  const blocked = sweepTargets({ projectRoot: 'p', sweep: big, libraries: [] });
  const taskNames = Object.keys(blocked).filter((name) => indicesOfTarget(name) !== undefined);

  it('makes one task per block of contiguous indices, each running nx-slurm:array with {indices}', () => {
    expect(taskNames).toHaveLength(101);
    expect(taskNames.slice(0, 2)).toEqual(['slurm-array--0-99', 'slurm-array--100-199']);
    expect(taskNames.at(-1)).toBe('slurm-array--10000-10004');
    expect(blocked['slurm-array--100-199']).toMatchObject({
      executor: 'nx-slurm:array',
      options: { indices: '100-199' },
      cache: true,
    });
    expect(blocked['slurm-array--100-199'].metadata?.description).toBe(
      'big/100-199: 100 indices, from python train.py --i 100',
    );
    expect(blocked[TARGETS.array].dependsOn).toHaveLength(101);
    expect(targetGroups(big)['Slurm sweep']).toHaveLength(101 + 6);
  });

  it('follows indexTasks', () => {
    const fewer = sweepTargets({
      projectRoot: 'p',
      sweep: { ...big, vectors: many.slice(0, 150), indexTasks: 20 },
      libraries: [],
    });
    expect(Object.keys(fewer).filter((name) => indicesOfTarget(name) !== undefined)).toHaveLength(15);
    expect(fewer['slurm-array--140-149']).toMatchObject({ options: { indices: '140-149' } });
  });
});

describe('targetGroups', () => {
  it('groups the aggregator, every index, then the run-management targets', () => {
    expect(targetGroups({ vectors, indexTasks: 1000 })).toEqual({
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
