import type { Matrix } from '../config';
import { argumentVectors } from './argument-vectors';

/**
 * zod infers a matrix as an index signature of value lists beside include/exclude, which
 * TypeScript cannot check an object literal against; parsed configs have the type already.
 */
const matrixOf = (matrix: Record<string, unknown>) => matrix as Matrix;

describe('argumentVectors', () => {
  it('is one empty vector with neither args nor matrix', () => {
    expect(argumentVectors({})).toEqual([[]]);
  });

  it('splits string args entries into words, one vector each', () => {
    expect(argumentVectors({ args: ['--seed 1', "--name 'a b'", ''] })).toEqual([
      ['--seed', '1'],
      ['--name', 'a b'],
      [],
    ]);
  });

  it('renders object entries as flags in key order', () => {
    expect(argumentVectors({ args: [{ lr: 0.001, name: 'x y', verbose: true, debug: false, epochs: 10 }] })).toEqual([
      ['--lr', '0.001', '--name', 'x y', '--verbose', '--epochs', '10'],
    ]);
  });

  it('prints numbers as JSON does', () => {
    expect(argumentVectors({ args: [{ a: 1e-7, b: 1e21, c: -0.5, d: 100 }] })).toEqual([
      ['--a', '1e-7', '--b', '1e+21', '--c', '-0.5', '--d', '100'],
    ]);
  });

  it('passes string values byte for byte, never through a shell', () => {
    expect(argumentVectors({ args: [{ msg: "it's $HOME `id`\n✓" }] })).toEqual([['--msg', "it's $HOME `id`\n✓"]]);
  });

  it('takes the cartesian product of the matrix, first key slowest', () => {
    expect(argumentVectors({ matrix: { learning_rate: [0.001, 0.01], batch_size: [32, 64] } })).toEqual([
      ['--learning_rate', '0.001', '--batch_size', '32'],
      ['--learning_rate', '0.001', '--batch_size', '64'],
      ['--learning_rate', '0.01', '--batch_size', '32'],
      ['--learning_rate', '0.01', '--batch_size', '64'],
    ]);
  });

  it('renders boolean matrix values as bare or absent flags', () => {
    expect(argumentVectors({ matrix: { amp: [true, false], seed: [1] } })).toEqual([
      ['--amp', '--seed', '1'],
      ['--seed', '1'],
    ]);
  });

  it('appends every args entry to every matrix point, point-major', () => {
    expect(argumentVectors({ matrix: { lr: [1, 2] }, args: ['--warmup 10', { seed: 7 }] })).toEqual([
      ['--lr', '1', '--warmup', '10'],
      ['--lr', '1', '--seed', '7'],
      ['--lr', '2', '--warmup', '10'],
      ['--lr', '2', '--seed', '7'],
    ]);
  });

  it('treats an empty args list as no args', () => {
    expect(argumentVectors({ matrix: { lr: [1, 2] }, args: [] })).toEqual([
      ['--lr', '1'],
      ['--lr', '2'],
    ]);
    expect(argumentVectors({ args: [] })).toEqual([[]]);
  });

  it('removes points matching every key of an exclude object', () => {
    const matrix = matrixOf({ os: ['linux', 'mac'], py: [3.11, 3.12], exclude: [{ os: 'mac', py: 3.11 }] });
    expect(argumentVectors({ matrix })).toEqual([
      ['--os', 'linux', '--py', '3.11'],
      ['--os', 'linux', '--py', '3.12'],
      ['--os', 'mac', '--py', '3.12'],
    ]);
  });

  it('lets a partial exclude object remove several points', () => {
    const matrix = matrixOf({ os: ['linux', 'mac'], py: [1, 2], exclude: [{ os: 'mac' }] });
    expect(argumentVectors({ matrix })).toEqual([
      ['--os', 'linux', '--py', '1'],
      ['--os', 'linux', '--py', '2'],
    ]);
  });

  it('compares exclude values by type as well as value', () => {
    expect(argumentVectors({ matrix: matrixOf({ n: [1, 2], exclude: [{ n: '1' }] }) })).toHaveLength(2);
  });

  it('returns no vector when every point is excluded', () => {
    expect(argumentVectors({ matrix: matrixOf({ n: [1], exclude: [{ n: 1 }] }) })).toEqual([]);
  });

  it('follows the include example of the GitHub Actions documentation', () => {
    const matrix = matrixOf({
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    expect(argumentVectors({ matrix })).toEqual([
      ['--fruit', 'apple', '--animal', 'cat', '--color', 'pink', '--shape', 'circle'],
      ['--fruit', 'apple', '--animal', 'dog', '--color', 'green', '--shape', 'circle'],
      ['--fruit', 'pear', '--animal', 'cat', '--color', 'pink'],
      ['--fruit', 'pear', '--animal', 'dog', '--color', 'green'],
      ['--fruit', 'banana'],
      ['--fruit', 'banana', '--animal', 'cat'],
    ]);
  });

  it('applies exclude before include', () => {
    const matrix = matrixOf({ n: [1, 2], exclude: [{ n: 2 }], include: [{ n: 2, extra: 'x' }] });
    expect(argumentVectors({ matrix })).toEqual([
      ['--n', '1'],
      ['--n', '2', '--extra', 'x'],
    ]);
  });

  it('makes each include its own point when the matrix has only include', () => {
    const matrix = matrixOf({ include: [{ lr: 1, bs: 2 }, { lr: 3 }] });
    expect(argumentVectors({ matrix })).toEqual([
      ['--lr', '1', '--bs', '2'],
      ['--lr', '3'],
    ]);
  });

  it('treats an empty matrix like no matrix', () => {
    expect(argumentVectors({ matrix: {}, args: ['a'] })).toEqual([['a']]);
  });

  it('is deterministic', () => {
    const config = {
      matrix: matrixOf({ a: [1, 2, 3], b: ['x', 'y'], include: [{ a: 1, c: true }] }),
      args: ['-v', { s: 1 }],
    };
    expect(argumentVectors(config)).toEqual(argumentVectors(config));
  });
});
