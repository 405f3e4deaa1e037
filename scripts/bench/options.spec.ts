import { parseOptions } from './options';

describe('parseOptions', () => {
  it('measures everything, three rounds, by default', () => {
    expect(parseOptions([])).toEqual({ repeat: 3, quick: false, cluster: true, overhead: true, keep: false });
  });

  it('makes --quick one round', () => {
    expect(parseOptions(['--quick', '--repeat', '5'])).toMatchObject({ quick: true, repeat: 1 });
  });

  it('reads --repeat, --no-cluster and --keep', () => {
    expect(parseOptions(['--repeat', '5', '--no-cluster', '--keep'])).toMatchObject({
      repeat: 5,
      cluster: false,
      keep: true,
    });
  });

  it('says what is wrong with a bad option and how to call it', () => {
    expect(() => parseOptions(['--repeat', 'x'])).toThrow(/--repeat needs a whole number .* Usage: npm run bench/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--no-cluster', '--no-overhead'])).toThrow(/nothing to measure/);
  });
});
