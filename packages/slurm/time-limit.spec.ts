import { timeLimitSeconds } from './time-limit';

describe('timeLimitSeconds', () => {
  it.each([
    ['90', 90 * 60],
    ['30:15', 30 * 60 + 15],
    ['02:00:00', 7200],
    ['1-12', 36 * 3600],
    ['1-12:30', 36 * 3600 + 30 * 60],
    ['2-00:00:05', 48 * 3600 + 5],
  ])('%s is %d seconds', (time, seconds) => {
    expect(timeLimitSeconds(time)).toBe(seconds);
  });

  it('refuses what sbatch would refuse', () => {
    expect(() => timeLimitSeconds('1h')).toThrow('"1h" is not an sbatch time limit');
  });
});
