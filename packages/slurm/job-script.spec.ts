import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeArgv, encodeEnv, renderJobScript, type JobScriptSpec } from './job-script';

const baseSpec: JobScriptSpec = {
  jobName: 'fine-tune-mlp',
  runDir: '/home/alice/nx-slurm/runs/fine-tune-mlp/r1',
  sourceDir: '/home/alice/nx-slurm/bundles/aaa',
  libraryDirs: [],
  resources: {},
  setup: [],
};

const directives = (script: string) => script.split('\n').filter((line) => line.startsWith('#SBATCH'));

describe('renderJobScript: #SBATCH lines', () => {
  it('writes the name, Slurm log files and every resource, extras verbatim', () => {
    const script = renderJobScript({
      ...baseSpec,
      resources: {
        time: '02:00:00',
        cpusPerTask: 4,
        mem: '16G',
        gpus: 1,
        partition: 'gpu',
        account: 'lab',
        qos: 'normal',
        extra: ['--exclusive', '--constraint=a100|h100'],
      },
    });
    expect(script.startsWith('#!/bin/bash\n#SBATCH')).toBe(true);
    expect(directives(script)).toEqual([
      '#SBATCH --job-name=fine-tune-mlp',
      '#SBATCH --output=/home/alice/nx-slurm/runs/fine-tune-mlp/r1/logs/slurm-%A_%a.out',
      '#SBATCH --error=/home/alice/nx-slurm/runs/fine-tune-mlp/r1/logs/slurm-%A_%a.out',
      '#SBATCH --time=02:00:00',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=16G',
      '#SBATCH --gpus=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=lab',
      '#SBATCH --qos=normal',
      '#SBATCH --exclusive',
      '#SBATCH --constraint=a100|h100',
    ]);
  });

  it('requests no GPU line for gpus: 0 and no resource lines for none', () => {
    expect(directives(renderJobScript({ ...baseSpec, resources: { gpus: 0 } }))).toHaveLength(3);
  });

  it('quotes values the way sbatch splits them (spaces, #, quotes; backslash escapes even in quotes)', () => {
    // sbatch read this line back as `a b#c"d\e'f` on the lab cluster (22.05).
    const script = renderJobScript({ ...baseSpec, jobName: `a b#c"d\\e'f` });
    expect(directives(script)[0]).toBe(`#SBATCH --job-name="a b#c\\"d\\\\e'f"`);
  });

  it("doubles % in the run folder so Slurm's filename patterns leave it alone", () => {
    const script = renderJobScript({ ...baseSpec, runDir: '/tmp/we ird%dir' });
    expect(directives(script)[1]).toBe('#SBATCH --output="/tmp/we ird%%dir/logs/slurm-%A_%a.out"');
  });

  it.each([
    [{ jobName: 'two\nlines' }, /--job-name must fit on one line/],
    [{ runDir: '/tmp/a\rb' }, /--output must fit on one line/],
    [{ resources: { time: '1:00\n#SBATCH --mem=1T' } }, /--time must fit on one line/],
    [{ resources: { extra: ['exclusive'] } }, /resources.extra entries must be sbatch options/],
    [{ resources: { extra: ['--a\n--b'] } }, /resources.extra entries must be sbatch options/],
    [{ resources: { cpusPerTask: 0 } }, /resources.cpusPerTask must be a positive integer/],
    [{ resources: { gpus: 1.5 } }, /resources.gpus must be a positive integer/],
    [{ runDir: 'runs/r1' }, /runDir must be an absolute path/],
    [{ sourceDir: './src' }, /sourceDir must be an absolute path/],
    [{ libraryDirs: ['/ok', 'lib'] }, /libraryDirs\[1\] must be an absolute path/],
    [{ libraryDirs: ['/a:b'] }, /libraryDirs\[0\] cannot go on PYTHONPATH/],
  ])('rejects %j', (override, message) => {
    expect(() => renderJobScript({ ...baseSpec, ...override } as JobScriptSpec)).toThrow(message);
  });

  it('is valid bash', () => {
    const script = renderJobScript({ ...baseSpec, libraryDirs: ['/l1'], setup: ['module load python'] });
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
  });
});

describe('encodeArgv / encodeEnv', () => {
  it('NUL-terminates every word, the empty one too', () => {
    expect(encodeArgv(['python', '', 'ü'])).toEqual(Buffer.from('python\0\0ü\0', 'utf8'));
  });

  it('rejects NUL in a word and an empty vector', () => {
    expect(() => encodeArgv(['a\0b'])).toThrow('"a\\u0000b" contains a NUL byte');
    expect(() => encodeArgv([])).toThrow('at least the program');
  });

  it('writes KEY=VALUE records sorted by key', () => {
    expect(encodeEnv({ B: 'x=y', A: '' })).toEqual(Buffer.from('A=\0B=x=y\0', 'utf8'));
  });

  it.each([
    [{ '1A': 'x' }, 'not a variable name'],
    [{ 'A-B': 'x' }, 'not a variable name'],
    [{ NX_SLURM_INDEX: '3' }, 'reserved'],
    // Slurm sets these for the job: as the sweep configuration does, the job script refuses them.
    [{ SLURM_ARRAY_TASK_ID: '3' }, 'reserved'],
    [{ A: 'x\0y' }, 'NUL'],
  ])('rejects %j', (env, message) => {
    expect(() => encodeEnv(env)).toThrow(message);
  });
});

describe('renderJobScript: running the script with bash', () => {
  const HOSTILE_ARGS = [
    'with space',
    "it's",
    '"double"',
    '$(touch pwned)',
    '`touch pwned2`',
    'new\nline',
    '',
    'ünïcödé ✓ 日本',
    '$HOME',
    '*',
    '--flag=a b',
    '\\back\\slash',
    'tab\there',
    'trailing\n',
    '-n',
    ';',
    '&& touch pwned3',
  ];
  const HOSTILE_ENV = `$(touch pwned4) \`touch pwned5\` "q" 's' \\ \nline2=x\n`;
  // Dumps what the program received, byte for byte, into its output folder.
  const PROBE = [
    'o="$NX_SLURM_OUTPUT_DIR"',
    `printf '%s\\0' "$@" >"$o/argv.bin"`,
    `printf '%s\\0' "$HOSTILE" "$FROM_SETUP" "$NX_SLURM_INDEX" "$NX_SLURM_RUN_DIR" "$NX_SLURM_OUTPUT_DIR" "$PWD" "$PYTHONPATH" >"$o/seen.bin"`,
    'echo "stdout of $NX_SLURM_INDEX"; echo "stderr of $NX_SLURM_INDEX" >&2',
    'exit "${EXIT_WITH:-0}"',
  ].join('\n');

  let root: string;
  let runDir: string;
  let sourceDir: string;
  let scriptPath: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-slurm-script-'));
    runDir = join(root, `run dir 'quoted' $x`);
    sourceDir = join(root, 'bundles', 'src $(touch pwned6)');
    mkdirSync(join(runDir, 'args'), { recursive: true });
    mkdirSync(sourceDir, { recursive: true });
    scriptPath = join(runDir, 'job.sbatch');
    writeFileSync(
      scriptPath,
      renderJobScript({
        ...baseSpec,
        runDir,
        sourceDir,
        libraryDirs: ['/libs/one', '/libs/two three'],
        setup: ['export FROM_SETUP="set up"', 'for i in 1 2; do :; done'],
      }),
    );
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function run(taskId: string | undefined, offset: string[] = [], extraEnv: Record<string, string> = {}) {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extraEnv };
    if (taskId !== undefined) env.SLURM_ARRAY_TASK_ID = taskId;
    return spawnSync('bash', [scriptPath, ...offset], { env, cwd: root });
  }
  const words = (file: string) => readFileSync(file).toString('utf8').split('\0').slice(0, -1);
  const writeArgs = (index: number, argv: string[]) =>
    writeFileSync(join(runDir, 'args', String(index)), encodeArgv(argv));

  it('delivers hostile arguments and env values byte for byte, and evaluates none of them', () => {
    writeArgs(1003, ['bash', '-c', PROBE, 'probe', ...HOSTILE_ARGS]);
    writeFileSync(join(runDir, 'env.bin'), encodeEnv({ HOSTILE: HOSTILE_ENV, PYTHONPATH: '/user/py' }));

    const result = run('2', ['1001']);

    expect(result.status).toBe(0);
    const outputDir = join(runDir, 'out', '1003');
    expect(readFileSync(join(outputDir, 'argv.bin'))).toEqual(
      Buffer.from(HOSTILE_ARGS.map((arg) => `${arg}\0`).join(''), 'utf8'),
    );
    expect(words(join(outputDir, 'seen.bin'))).toEqual([
      HOSTILE_ENV,
      'set up',
      '1003',
      runDir,
      outputDir,
      sourceDir,
      `${sourceDir}:/libs/one:/libs/two three:/user/py`,
    ]);
    expect(readFileSync(join(runDir, 'logs', '1003.out'), 'utf8')).toBe('stdout of 1003\n');
    expect(readFileSync(join(runDir, 'logs', '1003.err'), 'utf8')).toBe('stderr of 1003\n');
    expect(readFileSync(join(runDir, 'exit', '1003'), 'utf8')).toBe('0\n');
    for (const dir of [root, runDir, sourceDir, outputDir]) {
      expect(readdirSync(dir).filter((name) => name.includes('pwned'))).toEqual([]);
    }
  });

  it("passes the program's exit code on, in the marker too, and appends logs on a second attempt", () => {
    writeArgs(0, ['bash', '-c', PROBE, 'probe']);
    writeFileSync(join(runDir, 'env.bin'), encodeEnv({ EXIT_WITH: '3' }));

    expect(run('0').status).toBe(3);
    expect(run('0', ['0']).status).toBe(3);

    expect(readFileSync(join(runDir, 'exit', '0'), 'utf8')).toBe('3\n');
    expect(readFileSync(join(runDir, 'logs', '0.out'), 'utf8')).toBe('stdout of 0\nstdout of 0\n');
    expect(readdirSync(join(runDir, 'exit'))).toEqual(['0']);
  });

  it('works without env.bin and adds no empty PYTHONPATH entry', () => {
    writeArgs(5, ['bash', '-c', PROBE, 'probe']);
    expect(run('5').status).toBe(0);
    expect(words(join(runDir, 'out', '5', 'seen.bin'))[6]).toBe(`${sourceDir}:/libs/one:/libs/two three`);
  });

  it('reads a leading-zero task id as base ten', () => {
    writeArgs(10, ['bash', '-c', PROBE, 'probe']);
    expect(run('010').status).toBe(0);
    expect(existsSync(join(runDir, 'exit', '10'))).toBe(true);
  });

  it('refuses to guess an index without SLURM_ARRAY_TASK_ID', () => {
    const result = run(undefined);
    expect(result.status).toBe(2);
    expect(result.stderr.toString()).toContain('SLURM_ARRAY_TASK_ID must be a task id');
    expect(existsSync(join(runDir, 'out'))).toBe(false);
  });

  it('refuses an offset that is not a number', () => {
    const result = run('0', ['1; touch pwned']);
    expect(result.status).toBe(2);
    expect(result.stderr.toString()).toContain('the index offset (first argument) must be a number');
  });

  it('fails with exit code 2 and a marker when the index has no argument file', () => {
    expect(run('4').status).toBe(2);
    expect(readFileSync(join(runDir, 'exit', '4'), 'utf8')).toBe('2\n');
    expect(readFileSync(join(runDir, 'logs', '4.err'), 'utf8')).toContain('nx-slurm: no command for index 4');
  });

  it("`exit` in a setup line keeps its code, in a marker that replaces an earlier attempt's", () => {
    writeArgs(6, ['true']);
    mkdirSync(join(runDir, 'exit'));
    writeFileSync(join(runDir, 'exit', '6'), '0\n');
    writeFileSync(scriptPath, renderJobScript({ ...baseSpec, runDir, sourceDir, setup: ['exit 7'] }));
    expect(run('6').status).toBe(7);
    expect(readFileSync(join(runDir, 'exit', '6'), 'utf8')).toBe('7\n');
    expect(readdirSync(join(runDir, 'exit'))).toEqual(['6']);
  });

  it('a failing setup line fails the index with its exit code and names the line; the command never runs', () => {
    writeArgs(7, ['bash', '-c', PROBE, 'probe']);
    const setup = ['echo preparing', 'source /nonexistent/venv/bin/activate', 'echo never'];
    writeFileSync(scriptPath, renderJobScript({ ...baseSpec, runDir, sourceDir, setup }));
    expect(run('7').status).toBe(1);
    expect(readFileSync(join(runDir, 'exit', '7'), 'utf8')).toBe('1\n');
    expect(readFileSync(join(runDir, 'logs', '7.err'), 'utf8')).toMatch(
      /nx-slurm: setup line 2 failed \(exit code 1\): source \/nonexistent\/venv\/bin\/activate\n$/,
    );
    expect(readFileSync(join(runDir, 'logs', '7.out'), 'utf8')).toBe('preparing\n');
  });

  it("a PATH from the user's env cannot break the wrapper's bookkeeping", () => {
    writeArgs(8, ['/bin/echo', 'hello']);
    writeFileSync(join(runDir, 'env.bin'), encodeEnv({ PATH: '/nonexistent' }));
    expect(run('8').status).toBe(0);
    expect(readFileSync(join(runDir, 'exit', '8'), 'utf8')).toBe('0\n');
    expect(readdirSync(join(runDir, 'exit'))).toEqual(['8']);
    expect(readFileSync(join(runDir, 'logs', '8.err'), 'utf8')).toBe('');
  });
});
