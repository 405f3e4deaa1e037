import type { Bundle } from '../bundle';
import { bundleNotices } from './bundle-notices';

const bundle = (files: string[], secrets: string[] = [], outside: Bundle['leftOut']['outside'] = []): Bundle => ({
  root: '/ws/exp',
  files,
  data: Buffer.alloc(0),
  sha256: '0'.repeat(64),
  bytes: 0,
  leftOut: { secrets, outside },
});

describe('bundleNotices', () => {
  it('says nothing about a bundle that ships its files and left nothing out', () => {
    expect(bundleNotices('exp', [{ folder: 'exp', bundle: bundle(['train.py']), isProject: true }])).toEqual([]);
  });

  it('lists the secret-looking files left out in one line, with how to ship them', () => {
    expect(
      bundleNotices('exp', [{ folder: 'exp', bundle: bundle(['train.py'], ['.env', 'id_rsa']), isProject: true }]),
    ).toEqual([
      'nx-slurm: exp: left out 2 secret-looking file(s) from the bundle of exp (.env, id_rsa): name them in "include" in slurm.json to ship them',
    ]);
  });

  it('names each symlink leading outside the workspace, and a library’s secrets', () => {
    const lines = bundleNotices('exp', [
      {
        folder: 'libs/a',
        bundle: bundle(['a.py'], ['.npmrc'], [{ path: 'key', target: '/home/me/.ssh/id_ed25519' }]),
        isProject: false,
      },
    ]);
    expect(lines).toEqual([
      'nx-slurm: exp: left out 1 secret-looking file(s) from the bundle of libs/a (.npmrc): a library ships none; move what the jobs need out of such files',
      'nx-slurm: exp: left out key from the bundle of libs/a: a symlink to a file outside the workspace (/home/me/.ssh/id_ed25519)',
    ]);
  });

  it('warns about a project bundle that holds no file', () => {
    expect(bundleNotices('exp', [{ folder: 'exp', bundle: bundle([]), isProject: true }])).toEqual([
      'nx-slurm: exp: warning: the bundle of exp holds no file (its "exclude" and .gitignore leave nothing): the command runs in an empty folder',
    ]);
  });
});
