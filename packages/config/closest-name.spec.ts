import { closestName } from './closest-name';

describe('closestName', () => {
  const keys = ['command', 'cluster', 'maxConcurrent', 'gpus', 'mem'];

  it.each([
    ['comand', 'command'],
    ['commmand', 'command'],
    ['Command', 'command'],
    ['clsuter', 'cluster'],
    ['maxconcurrent', 'maxConcurrent'],
    ['gpu', 'gpus'],
    ['men', 'mem'],
  ])('matches %s to %s', (typo, meant) => {
    expect(closestName(typo, keys)).toBe(meant);
  });

  it.each(['zzz', 'memory', 'time', ''])('suggests nothing for %j', (name) => {
    expect(closestName(name, keys)).toBeUndefined();
  });

  it('prefers the nearest candidate', () => {
    expect(closestName('gpuss', ['gpu', 'gpus'])).toBe('gpus');
    expect(closestName('abcd', ['abxy', 'abcx'])).toBe('abcx');
  });

  it('suggests nothing without candidates', () => {
    expect(closestName('x', [])).toBeUndefined();
  });
});
