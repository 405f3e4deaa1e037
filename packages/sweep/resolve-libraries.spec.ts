import { ConfigError, sweepConfigSchema } from '../config';
import { libraryFolder, resolveLibraries, type WorkspaceView } from './resolve-libraries';

const workspace = (
  folders: string[],
  projects: Record<string, string>,
  links: Record<string, string> = {},
): WorkspaceView => ({
  isFolder: (path) => folders.includes(path) || path in links,
  outsideTarget: (path) => links[path],
  projectRoots: new Map(Object.entries(projects)),
});

const resolve = (libraries: string[], view: WorkspaceView) =>
  resolveLibraries(
    {
      config: sweepConfigSchema.parse({ command: 'run', libraries }),
      file: 'experiments/exp/slurm.json',
      projectName: 'exp',
    },
    view,
  );

describe('libraryFolder', () => {
  it('normalizes a folder entry without touching its meaning', () => {
    expect(libraryFolder('libs/a/')).toBe('libs/a');
    expect(libraryFolder('./libs//a')).toBe('libs/a');
    expect(libraryFolder('libs/a')).toBe('libs/a');
    expect(libraryFolder('./')).toBe('.');
  });
});

describe('resolveLibraries', () => {
  const view = workspace(['libs/shared', 'data/raw', 'shared'], { 'shared-lib': 'libs/shared', shared: 'libs/other' });

  it('ships a workspace folder as it is, with an edge to the project rooted there if any', () => {
    expect(resolve(['libs/shared/', 'data/raw'], view)).toEqual([
      { name: 'libs/shared/', root: 'libs/shared', project: 'shared-lib' },
      { name: 'data/raw', root: 'data/raw', project: undefined },
    ]);
  });

  it('ships the root of an Nx project named by an entry that is no folder', () => {
    expect(resolve(['shared-lib'], view)).toEqual([{ name: 'shared-lib', root: 'libs/shared', project: 'shared-lib' }]);
  });

  it('takes the folder when an entry is both a folder and a project name: what ships and the edge agree', () => {
    // the folder `shared/` is no project root; the project named "shared" lives elsewhere
    expect(resolve(['shared'], view)).toEqual([{ name: 'shared', root: 'shared', project: undefined }]);
  });

  it('refuses an entry that is neither, naming libraries[i]', () => {
    const resolveUnknown = () => resolve(['shared-lib', 'nope'], view);
    expect(resolveUnknown).toThrow(ConfigError);
    expect(resolveUnknown).toThrow(
      'experiments/exp/slurm.json: libraries[1]: expected a workspace folder or an Nx project name, found "nope"',
    );
  });

  it.each(['../outside', '../../home/me/.ssh', '/etc', 'libs/../../x'])(
    'refuses %j, outside the workspace',
    (entry) => {
      expect(() => resolve([entry], view)).toThrow(
        `experiments/exp/slurm.json: libraries[0]: expected a folder inside the workspace, found ${JSON.stringify(entry)}; copy or move what it needs into the workspace`,
      );
    },
  );

  it('refuses a folder a symlink leads outside the workspace, saying where it leads', () => {
    const linked = workspace([], {}, { 'libs/keys': '/home/me/.ssh' });
    expect(() => resolve(['libs/keys'], linked)).toThrow(
      'libraries[0]: expected a folder inside the workspace, found "libs/keys" (a symlink to /home/me/.ssh)',
    );
  });
});
