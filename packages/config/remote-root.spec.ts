import { parseRemoteRoot, remoteRootProblem } from './remote-root';

describe('parseRemoteRoot', () => {
  it.each([
    ['/scratch/alice/nx-slurm', { from: 'absolute', path: '/scratch/alice/nx-slurm' }],
    ['/scratch/x/', { from: 'absolute', path: '/scratch/x' }],
    ['/', { from: 'absolute', path: '/' }],
    ['~', { from: 'home', path: '' }],
    ['~/nx-slurm', { from: 'home', path: 'nx-slurm' }],
    ['nx-slurm/runs', { from: 'relative', path: 'nx-slurm/runs' }],
    ['./nx-slurm/', { from: 'relative', path: 'nx-slurm' }],
    ['$HOME/nx-slurm', { from: 'home', path: 'nx-slurm' }],
    ['${HOME}/a/b', { from: 'home', path: 'a/b' }],
    ['$HOME', { from: 'home', path: '' }],
    ['~alice/nx-slurm', { from: 'user-home', user: 'alice', path: 'nx-slurm' }],
    ['~alice', { from: 'user-home', user: 'alice', path: '' }],
  ])('%s', (root, form) => {
    expect(remoteRootProblem(root)).toBeUndefined();
    expect(parseRemoteRoot(root)).toEqual(form);
  });
});

describe('remoteRootProblem', () => {
  it.each([
    ['~/nx-slurm:e2e', /without ":"/],
    ['/scratch/a\nb', /control characters/],
    ['$SCRATCH/nx-slurm', /only variable is a leading \$HOME/],
    ['/x/$HOME/y', /only variable is a leading \$HOME/],
    ['$HOMEDIR/x', /only variable is a leading \$HOME/],
    ['~al ice/x', /valid user name/],
  ])('%j cannot work', (root, problem) => {
    expect(remoteRootProblem(root)).toMatch(problem);
  });
});
