import { localHomeWarning } from './local-home';

describe('localHomeWarning', () => {
  it('warns about a root under the local home, suggesting the quoted ~ form', () => {
    expect(localHomeWarning('/home/alice/nx-slurm', '/home/alice')).toBe(
      "warning: --remote-root /home/alice/nx-slurm looks like a folder of this machine (your home /home/alice, which the shell put in place of ~); the cluster's home is usually elsewhere. For a folder under the cluster's home, quote it: --remote-root '~/nx-slurm'.",
    );
    expect(localHomeWarning('/home/alice', '/home/alice/')).toContain("--remote-root '~'");
  });

  it('warns about macOS and Windows homes whatever the local home is', () => {
    expect(localHomeWarning('/Users/bob/nx-slurm', '/home/alice')).toContain("quote it: --remote-root '~/nx-slurm'");
    expect(localHomeWarning('C:\\Users\\bob', '/home/alice')).toContain('looks like a folder of this machine');
  });

  it.each(['~/nx-slurm', '/scratch/alice/nx-slurm', 'nx-slurm', '$HOME/x', '/home/alicia/x'])(
    'says nothing about %s',
    (root) => {
      expect(localHomeWarning(root, '/home/alice')).toBeUndefined();
    },
  );

  it('says nothing without --remote-root', () => {
    expect(localHomeWarning(undefined, '/home/alice')).toBeUndefined();
  });
});
