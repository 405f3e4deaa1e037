import { compileExcludes, isIgnoredByGitignore, parseGitignore } from './ignore-rules';

describe('parseGitignore + isIgnoredByGitignore', () => {
  const rootRules = parseGitignore(
    [
      '# a comment',
      '',
      '*.log',
      '!keep.log',
      '/build/',
      'cache/',
      'docs/*.md',
      '\\#hash',
      '\\!bang',
      'trailing   ',
      'escaped\\ ',
      '**/tmp/**',
      'a/**/z',
    ].join('\n'),
    '',
  );
  const ignored = (path: string, isDirectory = false) => isIgnoredByGitignore(rootRules, path, isDirectory);

  it.each([
    ['x.log', false, true],
    ['deep/er/x.log', false, true],
    ['keep.log', false, false],
    ['deep/keep.log', false, false],
    ['build', true, true],
    ['build', false, false],
    ['sub/build', true, false],
    ['cache', true, true],
    ['sub/cache', true, true],
    ['cache', false, false],
    ['docs/a.md', false, true],
    ['docs/sub/a.md', false, false],
    ['sub/docs/a.md', false, false],
    ['#hash', false, true],
    ['!bang', false, true],
    ['# a comment', false, false],
    ['trailing', false, true],
    ['escaped ', false, true],
    ['escaped', false, false],
    ['x/tmp/y', false, true],
    ['tmp', true, false],
    ['a/z', false, true],
    ['a/b/c/z', false, true],
    ['main.py', false, false],
  ])('%s (folder: %s) -> ignored %s', (path, isDirectory, expected) => {
    expect(ignored(path, isDirectory)).toBe(expected);
  });

  it('scopes a nested .gitignore to its folder; later (deeper) rules win', () => {
    const rules = [...parseGitignore('*.log\n', ''), ...parseGitignore('!important.log\n/local.txt\n', 'sub')];
    expect(isIgnoredByGitignore(rules, 'sub/important.log', false)).toBe(false);
    expect(isIgnoredByGitignore(rules, 'important.log', false)).toBe(true);
    expect(isIgnoredByGitignore(rules, 'sub/local.txt', false)).toBe(true);
    expect(isIgnoredByGitignore(rules, 'local.txt', false)).toBe(false);
    expect(isIgnoredByGitignore(rules, 'sub/deeper/local.txt', false)).toBe(false);
    expect(isIgnoredByGitignore(rules, 'subway/local.txt', false)).toBe(false);
  });

  it('matches a .gitignore above the root against the path from its own folder', () => {
    const rules = parseGitignore('/apps/exp/secret.txt\n.venv/\n/other/\n', '', 'apps/exp/');
    expect(isIgnoredByGitignore(rules, 'secret.txt', false)).toBe(true);
    expect(isIgnoredByGitignore(rules, '.venv', true)).toBe(true);
    expect(isIgnoredByGitignore(rules, 'other', true)).toBe(false);
  });

  it('reads CRLF files', () => {
    expect(isIgnoredByGitignore(parseGitignore('*.tmp\r\n', ''), 'a.tmp', false)).toBe(true);
  });
});

describe('compileExcludes', () => {
  const isExcluded = compileExcludes(['data/**', '*.ckpt', 'runs/*', './notes', 'logs/']);

  it.each([
    ['data', true, true],
    ['data/raw/a.csv', false, true],
    ['sub/data', true, false],
    ['model.ckpt', false, true],
    ['deep/model.ckpt', false, true],
    ['runs', true, true],
    ['runs/1', false, true],
    ['notes', false, true],
    ['sub/notes', false, false],
    ['logs', true, true],
    ['sub/logs', true, true],
    ['train.py', false, false],
    ['data.py', false, false],
  ])('%s (folder: %s) -> excluded %s', (path, isDirectory, expected) => {
    expect(isExcluded(path, isDirectory)).toBe(expected);
  });

  it('excludes nothing without patterns', () => {
    expect(compileExcludes([])('anything', true)).toBe(false);
  });
});
