import {
  parseSbatchOutput,
  parseSlurmConfig,
  sacctArgv,
  sbatchArgv,
  scancelArgv,
  scontrolConfigArgv,
  squeueArgv,
} from './commands';

describe('sbatchArgv', () => {
  it('submits the script with the array spec, throttle and offset as its argument', () => {
    expect(sbatchArgv({ scriptPath: '/r/job.sbatch', arraySpec: '2,5,7', maxConcurrent: 3, offset: 0 })).toEqual([
      'sbatch',
      '--parsable',
      '--array=2,5,7%3',
      '/r/job.sbatch',
      '0',
    ]);
  });

  it('carries the submission token as a comment', () => {
    expect(sbatchArgv({ scriptPath: '/r/job.sbatch', arraySpec: '0-3', offset: 0, comment: 'nx-slurm:ab12' })).toEqual([
      'sbatch',
      '--parsable',
      '--array=0-3',
      '--comment=nx-slurm:ab12',
      '/r/job.sbatch',
      '0',
    ]);
  });

  it('leaves the throttle out when there is none', () => {
    expect(sbatchArgv({ scriptPath: '/r/job.sbatch', arraySpec: '0-999', offset: 1001 })).toEqual([
      'sbatch',
      '--parsable',
      '--array=0-999',
      '/r/job.sbatch',
      '1001',
    ]);
  });

  it.each([
    [{ arraySpec: '', offset: 0 }, /array spec/],
    [{ arraySpec: '0-3%2', offset: 0 }, /array spec/],
    [{ arraySpec: '0-3', maxConcurrent: 0, offset: 0 }, /maxConcurrent/],
    [{ arraySpec: '0-3', maxConcurrent: 1.5, offset: 0 }, /maxConcurrent/],
    [{ arraySpec: '0-3', offset: -1 }, /offset/],
  ])('rejects %j', (args, message) => {
    expect(() => sbatchArgv({ scriptPath: '/r/job.sbatch', ...args })).toThrow(message);
  });
});

describe('parseSbatchOutput', () => {
  it.each([
    ['1234\n', '1234'],
    ['1234;lab\n', '1234'],
    ['sbatch: warning: something odd\n77\n', '77'],
  ])('%j -> %s', (stdout, jobId) => {
    expect(parseSbatchOutput(stdout)).toBe(jobId);
  });

  it('fails when there is no job id', () => {
    expect(() => parseSbatchOutput('')).toThrow('sbatch printed no job id');
  });
});

describe('query command lines', () => {
  it('squeue lists every element of every job, finished ones too', () => {
    expect(squeueArgv(['12', '15'])).toEqual([
      'squeue',
      '-r',
      '-h',
      '-t',
      'all',
      '-j',
      '12,15',
      '-o',
      '%i|%T|%r|%N|%S|%e',
    ]);
  });

  it('sacct runs under env SLURM_BITSTR_LEN=0 so folded rows stay whole over ssh too', () => {
    expect(sacctArgv(['12', '15'])).toEqual([
      'env',
      'SLURM_BITSTR_LEN=0',
      'sacct',
      '-j',
      '12,15',
      '-X',
      '-P',
      '-n',
      '--format=JobID,JobIDRaw,State,ExitCode,Start,End,NodeList',
    ]);
  });

  it('rejects an empty or malformed job id list', () => {
    expect(() => squeueArgv([])).toThrow('at least one job id');
    expect(() => sacctArgv(['12;rm'])).toThrow('Not a Slurm job id');
  });
});

describe('scancelArgv', () => {
  it('cancels whole jobs', () => {
    expect(scancelArgv(['21', '22'])).toEqual(['scancel', '21', '22']);
  });

  it('cancels only the given elements', () => {
    expect(
      scancelArgv(
        ['21'],
        [
          { jobId: '21', taskId: 1 },
          { jobId: '22', taskId: 4 },
          { jobId: '21', taskId: 7 },
          { jobId: '21', taskId: 2 },
        ],
      ),
    ).toEqual(['scancel', '21_[1-2,7]', '22_[4]']);
  });

  it('refuses an empty element list rather than cancelling nothing by accident', () => {
    expect(() => scancelArgv(['21'], [])).toThrow('at least one element');
  });
});

describe('parseSlurmConfig', () => {
  // Excerpt of `scontrol show config` on the lab cluster (22.05.8).
  const LAB = `Configuration data as of 2026-11-27T21:04:01
AccountingStorageBackupHost = (null)
AccountingStorageType   = accounting_storage/slurmdbd
MaxArraySize            = 10001
MaxJobCount             = 100000
MinJobAge               = 300 sec
SLURM_VERSION           = 22.05.8

Slurmctld(primary) at vm is UP
`;

  it('reads the limits, version and accounting type', () => {
    expect(scontrolConfigArgv()).toEqual(['scontrol', 'show', 'config']);
    expect(parseSlurmConfig(LAB)).toEqual({
      maxArraySize: 10001,
      minJobAge: 300,
      maxJobCount: 100000,
      version: '22.05.8',
      accountingStorageType: 'accounting_storage/slurmdbd',
    });
  });

  it("falls back to Slurm's defaults for missing keys", () => {
    expect(parseSlurmConfig('AccountingStorageType = accounting_storage/none\n')).toEqual({
      maxArraySize: 1001,
      minJobAge: 300,
      maxJobCount: 10000,
      accountingStorageType: 'accounting_storage/none',
    });
  });
});
