import { markPhase, TIMELINE_ENV, TIMELINE_PREFIX } from './timeline';

describe('markPhase', () => {
  const written: string[] = [];
  let write: jest.SpyInstance;
  beforeEach(() => {
    written.length = 0;
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    delete process.env[TIMELINE_ENV];
  });

  it('writes nothing unless the timeline is asked for', () => {
    markPhase('connected');
    expect(written).toEqual([]);
  });

  it('writes one line with the wall-clock time and the phase', () => {
    process.env[TIMELINE_ENV] = '1';
    const before = Date.now();
    markPhase('bundles built and hashed');
    const match = new RegExp(`^${TIMELINE_PREFIX} (\\d+\\.\\d) bundles built and hashed\\n$`).exec(written.join(''));
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(before - 1);
    expect(Number(match![1])).toBeLessThanOrEqual(Date.now() + 1);
  });
});
