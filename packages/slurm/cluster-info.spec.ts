import {
  parsePartitions,
  parseSbatchVersion,
  sacctProbeArgv,
  saysAccountingDisabled,
  sbatchVersionArgv,
  sinfoPartitionsArgv,
} from './cluster-info';

describe('parseSbatchVersion', () => {
  it.each([
    ['slurm 23.11.4\n', '23.11.4'],
    ['slurm-wlm 21.08.5\n', '21.08.5'],
    ['24.05.1', '24.05.1'],
  ])('reads %j as %j', (stdout, version) => {
    expect(parseSbatchVersion(stdout)).toBe(version);
  });
});

describe('parsePartitions', () => {
  it('reads the fields sinfoPartitionsArgv asks for, marking the default partition', () => {
    expect(sinfoPartitionsArgv()).toEqual(['sinfo', '-h', '-o', '%P|%a|%l|%D']);
    expect(parsePartitions('debug*|up|1-00:00:00|2\ngpu|drain|infinite|4\n')).toEqual([
      { name: 'debug', isDefault: true, availability: 'up', timeLimit: '1-00:00:00', nodes: 2 },
      { name: 'gpu', isDefault: false, availability: 'drain', timeLimit: 'infinite', nodes: 4 },
    ]);
  });

  it('ignores blank lines and reads a missing node count as 0', () => {
    expect(parsePartitions('\nmain*|up|2:00:00|10\n\nodd|up|1:00:00\n')).toEqual([
      { name: 'main', isDefault: true, availability: 'up', timeLimit: '2:00:00', nodes: 10 },
      { name: 'odd', isDefault: false, availability: 'up', timeLimit: '1:00:00', nodes: 0 },
    ]);
  });

  it('lists nothing for no output', () => {
    expect(parsePartitions('')).toEqual([]);
  });
});

describe('saysAccountingDisabled', () => {
  it('finds the message on stderr or stdout, in any case', () => {
    expect(saysAccountingDisabled({ stdout: '', stderr: 'sacct: error: Slurm accounting storage is disabled\n' })).toBe(
      true,
    );
    expect(saysAccountingDisabled({ stdout: 'Slurm Accounting Storage is disabled', stderr: '' })).toBe(true);
  });

  it('does not take another sacct failure for it', () => {
    expect(
      saysAccountingDisabled({
        stdout: '',
        stderr: 'sacct: error: Problem talking to the database: Connection refused',
      }),
    ).toBe(false);
  });
});

describe('probe command lines', () => {
  it('are plain argv arrays', () => {
    expect(sbatchVersionArgv()).toEqual(['sbatch', '--version']);
    expect(sacctProbeArgv()).toEqual(['sacct', '-n', '-X', '-P', '-S', 'now', '-o', 'JobID']);
  });
});
