import { createHash } from 'node:crypto';
import { fingerprint } from './fingerprint';

describe('fingerprint', () => {
  it('is a sha256 hex digest', () => {
    expect(fingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the sha256 of the canonical JSON', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[2,{"c":3,"d":4}]}').digest('hex');
    expect(fingerprint({ b: [2, { d: 4, c: 3 }], a: 1 })).toBe(expected);
  });

  it('ignores key order at every depth', () => {
    const one = fingerprint({ command: ['python'], env: { B: '2', A: '1' }, resources: { mem: '1G', time: '1' } });
    const two = fingerprint({ resources: { time: '1', mem: '1G' }, env: { A: '1', B: '2' }, command: ['python'] });
    expect(one).toBe(two);
  });

  it('drops undefined properties', () => {
    expect(fingerprint({ a: 1, b: undefined, c: { d: undefined } })).toBe(fingerprint({ a: 1, c: {} }));
  });

  it('changes when any value changes', () => {
    const base = { argv: ['--lr', '0.01'], env: { A: '1' } };
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, argv: ['--lr', '0.1'] }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, env: { A: '2' } }));
  });

  it('keeps array order significant', () => {
    expect(fingerprint({ argv: ['a', 'b'] })).not.toBe(fingerprint({ argv: ['b', 'a'] }));
  });

  it('tells a number from a string', () => {
    expect(fingerprint({ v: 1 })).not.toBe(fingerprint({ v: '1' }));
  });
});
