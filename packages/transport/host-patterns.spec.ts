import { matchesHostPatterns } from './host-patterns';

describe('matchesHostPatterns', () => {
  it('matches a name exactly, case-insensitively', () => {
    expect(matchesHostPatterns(['HPC-Login'], 'hpc-login')).toBe(true);
    expect(matchesHostPatterns(['hpc-login'], 'hpc-login2')).toBe(false);
  });

  it('reads * as any run of characters and ? as one character, nothing else as special', () => {
    expect(matchesHostPatterns(['*.example.org'], 'login.example.org')).toBe(true);
    expect(matchesHostPatterns(['*.example.org'], 'example.org')).toBe(false);
    expect(matchesHostPatterns(['node?'], 'node7')).toBe(true);
    expect(matchesHostPatterns(['node?'], 'node17')).toBe(false);
    expect(matchesHostPatterns(['a.b'], 'aXb')).toBe(false);
    expect(matchesHostPatterns(['[hpc]:2222'], '[hpc]:2222')).toBe(true);
  });

  it('matches when any pattern of the list does', () => {
    expect(matchesHostPatterns(['a', 'b', 'hpc'], 'hpc')).toBe(true);
    expect(matchesHostPatterns([], 'hpc')).toBe(false);
  });

  it('lets a matching negated pattern rule the name out, in any position', () => {
    expect(matchesHostPatterns(['*.example.org', '!evil.example.org'], 'evil.example.org')).toBe(false);
    expect(matchesHostPatterns(['!evil.example.org', '*.example.org'], 'evil.example.org')).toBe(false);
    expect(matchesHostPatterns(['*.example.org', '!evil.example.org'], 'good.example.org')).toBe(true);
    expect(matchesHostPatterns(['!evil'], 'good')).toBe(false);
  });
});
