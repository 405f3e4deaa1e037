import { ConfigError } from './config-error';
import { parseSweepConfig } from './parse';

const FILE = 'apps/exp/slurm.json';

/** The ConfigError a value raises, for asserting on its message and fields. */
function errorOf(value: unknown, parse = parseSweepConfig): ConfigError {
  try {
    parse(value, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const minimal = { command: 'python train.py' };

describe('parseSweepConfig', () => {
  it('accepts a sweep that sets every field', () => {
    const config = {
      $schema: '../../node_modules/nx-slurm/slurm.schema.json',
      cluster: 'hpc',
      jobName: 'fine-tune-mlp',
      command: 'python train.py',
      matrix: { learning_rate: [0.001, 0.01, 0.1], batch_size: [32] },
      args: ['--warmup 10'],
      libraries: ['libs/custom-library'],
      maxConcurrent: 3,
      resources: {
        time: '02:00:00',
        cpusPerTask: 4,
        mem: '16G',
        gpus: 1,
        partition: 'gpu',
        account: 'lab',
        qos: 'normal',
        extra: ['--exclusive'],
      },
      env: { WANDB_MODE: 'offline' },
      setup: ['source ~/venvs/exp/bin/activate'],
      retries: 2,
      exclude: ['data/**', '*.ckpt'],
    };
    expect(parseSweepConfig(config, FILE)).toEqual(config);
  });

  it('defaults retries to 0', () => {
    expect(parseSweepConfig(minimal, FILE).retries).toBe(0);
  });

  it('trims the command', () => {
    expect(parseSweepConfig({ command: '  python x.py \n' }, FILE).command).toBe('python x.py');
  });

  it('accepts include and exclude lists and args objects', () => {
    const config = {
      ...minimal,
      args: [{ seed: 1, amp: true }],
      matrix: { lr: [1, 2], include: [{ lr: 1, extra: 'x' }], exclude: [{ lr: 2 }] },
    };
    expect(parseSweepConfig(config, FILE)).toEqual({ ...config, retries: 0 });
  });

  it('reports file, path, expected and found in one line', () => {
    const error = errorOf({ ...minimal, matrix: { learning_rate: [0.1, 0.2, null] } });
    expect(error.message).toBe(`${FILE}: matrix.learning_rate[2]: expected a number, string or boolean, found null`);
    expect(error).toMatchObject({
      file: FILE,
      path: 'matrix.learning_rate[2]',
      expected: 'a number, string or boolean',
      found: 'null',
    });
  });

  it('reports every issue, one line each', () => {
    const error = errorOf({ command: '', retries: 11 });
    expect(error.message.split('\n')).toEqual([
      `${FILE}: command: expected a non-empty command, found ""`,
      `${FILE}: retries: expected 10 or less, found 11`,
    ]);
    expect(error.issues).toHaveLength(2);
  });

  it('says "nothing" for a missing field', () => {
    expect(errorOf({}).message).toBe(`${FILE}: command: expected a string, found nothing`);
  });

  it('reports a document that is not an object', () => {
    expect(errorOf([1]).message).toBe(`${FILE}: expected an object, found [1]`);
  });

  it('shortens long found values', () => {
    const error = errorOf({ ...minimal, retries: 'x'.repeat(200) });
    expect(error.found).toHaveLength(60);
    expect(error.found).toMatch(/^"x+…$/);
  });

  it('suggests the key an unknown key was probably meant to be', () => {
    const error = errorOf({ ...minimal, maxConcurent: 2 });
    expect(error.path).toBe('maxConcurent');
    expect(error.found).toBe('an unknown key');
    expect(error.message).toMatch(
      /expected one of the keys \$schema, cluster, .*, exclude, include, found an unknown key; did you mean "maxConcurrent"\?$/,
    );
  });

  it('suggests nothing for an unknown key unlike any other', () => {
    expect(errorOf({ ...minimal, zzzzzz: 1 }).message).not.toContain('did you mean');
  });

  it('finds unknown keys in nested strict objects', () => {
    expect(errorOf({ ...minimal, resources: { gpu: 1 } }).message).toBe(
      `${FILE}: resources.gpu: expected one of the keys time, cpusPerTask, mem, gpus, partition, account, qos, extra, found an unknown key; did you mean "gpus"?`,
    );
  });

  it('reports an args entry of the wrong type with both accepted types', () => {
    expect(errorOf({ ...minimal, args: [3] }).message).toBe(`${FILE}: args[0]: expected a string or object, found 3`);
  });

  it('reports a bad value inside an args object at its own path', () => {
    expect(errorOf({ ...minimal, args: [{ lr: [1] }] }).message).toBe(
      `${FILE}: args[0].lr: expected a number, string or boolean, found [1]`,
    );
  });

  it('reports an unterminated quote in command or args with its column', () => {
    expect(errorOf({ command: 'python "train.py' }).message).toBe(
      `${FILE}: command: expected words with matching quotes, found "python \\"train.py"; unterminated double quote (") opened at column 8`,
    );
    expect(errorOf({ ...minimal, args: ["--name 'x"] }).path).toBe('args[0]');
  });

  it('rejects an empty matrix value list', () => {
    expect(errorOf({ ...minimal, matrix: { lr: [] } }).message).toBe(
      `${FILE}: matrix.lr: expected a non-empty list, found []`,
    );
  });

  it('rejects a matrix without a parameter, which would run the bare command once', () => {
    expect(errorOf({ ...minimal, matrix: {} }).message).toBe(
      `${FILE}: matrix: expected at least one parameter (a key with a list of values), found {}; e.g. "matrix": {"learning_rate": [0.001, 0.01]}; leave "matrix" out to use "args" alone`,
    );
    expect(errorOf({ ...minimal, matrix: { exclude: [] }, args: ['a'] }).path).toBe('matrix');
    expect(parseSweepConfig({ ...minimal, matrix: { include: [{ lr: 1 }] } }, FILE).matrix).toEqual({
      include: [{ lr: 1 }],
    });
  });

  it('accepts include globs inside the project only', () => {
    expect(parseSweepConfig({ ...minimal, include: ['.env.example', 'conf/*.pem'] }, FILE).include).toEqual([
      '.env.example',
      'conf/*.pem',
    ]);
    expect(errorOf({ ...minimal, include: ['ok', '../../outside/*'] }).message).toBe(
      `${FILE}: include[1]: expected a pattern inside the project (relative to it, without ".."), found "../../outside/*"`,
    );
    expect(errorOf({ ...minimal, include: ['/etc/passwd'] }).path).toBe('include[0]');
  });

  it('rejects exclude keys the matrix does not have, suggesting the closest', () => {
    expect(errorOf({ ...minimal, matrix: { learning_rate: [1], exclude: [{ learning_rat: 1 }] } }).message).toBe(
      `${FILE}: matrix.exclude[0].learning_rat: expected a key of the matrix (learning_rate), found 1; did you mean "learning_rate"?`,
    );
  });

  it.each([
    ['a b', 'a name of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['x'.repeat(65), 'a name of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['', 'a name of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['../up', 'a name of 1 to 64 letters, digits, ".", "_" or "-"'],
    ['..', 'a name other than "." or ".."'],
    ['.', 'a name other than "." or ".."'],
  ])('rejects jobName %j', (jobName, expected) => {
    expect(errorOf({ ...minimal, jobName })).toMatchObject({ path: 'jobName', expected });
  });

  it('accepts a jobName of 64 safe characters', () => {
    const jobName = `a.b_c-D9${'x'.repeat(56)}`;
    expect(parseSweepConfig({ ...minimal, jobName }, FILE).jobName).toBe(jobName);
  });

  it.each([
    ['1BAD', 'a variable name of letters, digits and _, not starting with a digit'],
    ['my-var', 'a variable name of letters, digits and _, not starting with a digit'],
    ['SLURM_JOB_ID', 'a name not starting with NX_SLURM_ or SLURM_ (nx-slurm and Slurm set those)'],
    ['NX_SLURM_INDEX', 'a name not starting with NX_SLURM_ or SLURM_ (nx-slurm and Slurm set those)'],
  ])('rejects env name %j, quoting the key', (name, expected) => {
    const error = errorOf({ ...minimal, env: { [name]: 'x' } });
    expect(error.expected).toBe(expected);
    expect(error.found).toBe(`the key "${name}"`);
  });

  it('quotes env paths that are not identifiers', () => {
    expect(errorOf({ ...minimal, env: { 'my-var': 'x' } }).path).toBe('env["my-var"]');
  });

  it('accepts env names with a lowercase or underscore start', () => {
    expect(parseSweepConfig({ ...minimal, env: { _x: '1', Seed2: '2' } }, FILE).env).toEqual({ _x: '1', Seed2: '2' });
  });

  it('requires env values to be strings', () => {
    expect(errorOf({ ...minimal, env: { SEED: 1 } }).message).toBe(`${FILE}: env.SEED: expected a string, found 1`);
  });

  it.each([
    ['maxConcurrent', 0, '1 or more'],
    ['maxConcurrent', 1.5, 'an integer'],
    ['retries', -1, '0 or more'],
    ['retries', 11, '10 or less'],
  ])('bounds %s (%p)', (field, value, expected) => {
    expect(errorOf({ ...minimal, [field]: value })).toMatchObject({ path: field, expected });
  });

  it('rejects executor-only flags in slurm.json', () => {
    expect(errorOf({ ...minimal, force: true }).path).toBe('force');
  });
});

describe('resources', () => {
  it.each(['90', '30:00', '02:00:00', '48:00:00', '1-12', '1-12:30', '2-00:00:00', '0'])('accepts time %j', (time) => {
    expect(parseSweepConfig({ ...minimal, resources: { time } }, FILE).resources?.time).toBe(time);
  });

  it.each(['2h', '1:2:3:4', '-1', '1-', 'a', '01:001', '1 day', ''])('rejects time %j', (time) => {
    expect(errorOf({ ...minimal, resources: { time } })).toMatchObject({
      path: 'resources.time',
      found: JSON.stringify(time),
    });
  });

  it.each(['16G', '500M', '1024', '2T', '512K', '16g'])('accepts mem %j', (mem) => {
    expect(parseSweepConfig({ ...minimal, resources: { mem } }, FILE).resources?.mem).toBe(mem);
  });

  it.each(['16GB', '1.5G', 'G', '-1', '16 G'])('rejects mem %j', (mem) => {
    expect(errorOf({ ...minimal, resources: { mem } }).expected).toBe(
      'a memory size like "16G", "500M" or "1024" (megabytes)',
    );
  });

  it('accepts zero gpus but not negative or fractional counts', () => {
    expect(parseSweepConfig({ ...minimal, resources: { gpus: 0 } }, FILE).resources?.gpus).toBe(0);
    expect(errorOf({ ...minimal, resources: { gpus: -1 } }).expected).toBe('0 or more');
    expect(errorOf({ ...minimal, resources: { cpusPerTask: 2.5 } }).expected).toBe('an integer');
  });

  it.each(['exclusive', '-N 2', '--', '--a\n#SBATCH --b'])('rejects extra flag %j', (flag) => {
    expect(errorOf({ ...minimal, resources: { extra: [flag] } }).path).toBe('resources.extra[0]');
  });

  it('rejects whitespace in partition, account and qos (they become #SBATCH lines)', () => {
    expect(errorOf({ ...minimal, resources: { partition: 'gpu\n#SBATCH --x' } }).expected).toBe(
      'a partition name without spaces',
    );
    expect(errorOf({ ...minimal, resources: { account: 'a b' } }).path).toBe('resources.account');
    expect(errorOf({ ...minimal, resources: { qos: '' } }).path).toBe('resources.qos');
  });
});
