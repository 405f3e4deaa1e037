import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGUMENT_FILES, ARGUMENT_RECORD_BYTES, encodeArgumentTable, encodeArgv } from './argument-table';
import { renderJobScript } from './job-script';

describe('encodeArgv', () => {
  it('NUL-terminates every word, the empty one too', () => {
    expect(encodeArgv(['python', '', 'ü'])).toEqual(Buffer.from('python\0\0ü\0', 'utf8'));
  });

  it('rejects NUL in a word and an empty vector', () => {
    expect(() => encodeArgv(['a\0b'])).toThrow('"a\\u0000b" contains a NUL byte');
    expect(() => encodeArgv([])).toThrow('at least the program');
  });
});

describe('encodeArgumentTable', () => {
  it('writes the words one vector after the other and a fixed-width record per index up to the highest', () => {
    const { words, records } = encodeArgumentTable([
      { index: 2, argv: ['python', 'x'] },
      { index: 0, argv: ['python'] },
    ]);
    expect(words.toString('utf8')).toBe('python\0python\0x\0');
    expect(records.toString('latin1')).toBe(
      '000000000000 000001\n' + '000000000007 000000\n' + '000000000007 000002\n',
    );
    expect(records.length).toBe(3 * ARGUMENT_RECORD_BYTES);
  });

  it('is empty for no vectors, and refuses an index listed twice', () => {
    expect(encodeArgumentTable([])).toEqual({ words: Buffer.alloc(0), records: Buffer.alloc(0) });
    expect(() =>
      encodeArgumentTable([
        { index: 1, argv: ['a'] },
        { index: 1, argv: ['b'] },
      ]),
    ).toThrow('index 1 is listed twice');
  });

  it('encodes 100,000 vectors in one pass', () => {
    const vectors = Array.from({ length: 100_000 }, (_, index) => ({ index, argv: ['true', '--i', String(index)] }));
    const { records } = encodeArgumentTable(vectors);
    expect(records.length).toBe(100_000 * ARGUMENT_RECORD_BYTES);
  });
});

describe('the job script reads its vector from the table', () => {
  let runDir: string;
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'nx-slurm-args-'));
    mkdirSync(join(runDir, 'src'));
    writeFileSync(
      join(runDir, 'job.sbatch'),
      renderJobScript({
        jobName: 'table',
        runDir,
        sourceDir: join(runDir, 'src'),
        libraryDirs: [],
        resources: {},
        setup: [],
      }),
    );
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  const probe = (index: number) => [
    'bash',
    '-c',
    `printf '%s\\0' "$@" > "$NX_SLURM_OUTPUT_DIR/argv.bin"`,
    'probe',
    `index ${index}`,
    '',
    'new\nline',
    '$(touch pwned)',
  ];
  const run = (taskId: number) =>
    spawnSync('bash', [join(runDir, 'job.sbatch')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_ARRAY_TASK_ID: String(taskId) },
    });

  it('gives each index its own words, byte for byte, in a sparse run; an index it lacks fails with exit 2', () => {
    const indices = [0, 3, 997, 998];
    const table = encodeArgumentTable(indices.map((index) => ({ index, argv: probe(index) })));
    writeFileSync(join(runDir, ARGUMENT_FILES.words), table.words);
    writeFileSync(join(runDir, ARGUMENT_FILES.records), table.records);

    for (const index of indices) {
      expect(run(index).status).toBe(0);
      expect(readFileSync(join(runDir, 'out', String(index), 'argv.bin'), 'utf8')).toBe(
        `index ${index}\0\0new\nline\0$(touch pwned)\0`,
      );
    }
    for (const missing of [1, 999, 5000]) {
      const result = run(missing);
      expect(result.status).toBe(2);
      expect(readFileSync(join(runDir, 'logs', `${missing}.err`), 'utf8')).toContain(
        `nx-slurm: no command for index ${missing}`,
      );
    }
  });
});
