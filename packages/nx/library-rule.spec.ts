import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateDependenciesContext, ExecutorContext } from '@nx/devkit';
import { prepareSweep } from '../launch';
import { createDependencies } from './plugin';
import { sweepRequestOf } from './sweep-request';

/**
 * `nx affected` follows the graph edges createDependencies draws; a launch ships the bundles of
 * the executor's request. For every kind of `libraries` entry both must name the same code: an
 * edge to the project whose files ship, and no edge to a project whose files do not.
 */
describe('the libraries rule: the graph edge and the shipped library agree', () => {
  let root: string;
  const write = (file: string, content: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  };
  // Nx project name -> root; each project root holds a file named after the project
  const projects: Record<string, string> = {
    exp: 'experiments/exp',
    'shared-lib': 'libs/shared',
    other: 'libs/other',
    // a project whose name is also the path of a plain folder at the workspace root
    data: 'libs/data',
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-slurm-library-rule-'));
    for (const [name, projectRoot] of Object.entries(projects)) write(join(projectRoot, `${name}.py`), '');
    write('data/raw.csv', '');
    write('vendor/tool/tool.py', '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const graphEdges = async () =>
    (await createDependencies(undefined, {
      workspaceRoot: root,
      nxJsonConfiguration: {},
      projects: Object.fromEntries(
        Object.entries(projects).map(([name, projectRoot]) => [name, { root: projectRoot }]),
      ),
      externalNodes: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    } as CreateDependenciesContext)) ?? [];

  const shipped = async () => {
    const context = {
      root,
      cwd: root,
      isVerbose: false,
      projectName: 'exp',
      projectsConfigurations: {
        version: 2,
        projects: Object.fromEntries(
          Object.entries(projects).map(([name, projectRoot]) => [name, { root: projectRoot }]),
        ),
      },
      nxJsonConfiguration: {},
    } as unknown as ExecutorContext;
    const request = sweepRequestOf(context, 'exp', {});
    const sweep = await prepareSweep(request);
    return request.libraries.map((library, k) => ({ root: library.root, files: sweep.libraries[k].bundle.files }));
  };

  it.each([
    ['an Nx project name', 'shared-lib', ['shared-lib.py'], ['shared-lib']],
    ['the root folder of a project, with a trailing slash', 'libs/other/', ['other.py'], ['other']],
    ['a plain folder', 'vendor/tool', ['tool.py'], []],
    ['a folder whose path is also the name of another project', 'data', ['raw.csv'], []],
  ])('%s', async (_kind, entry, expectedFiles, expectedEdges) => {
    write('experiments/exp/slurm.json', JSON.stringify({ command: 'python train.py', libraries: [entry] }));

    const edges = (await graphEdges()).map((edge) => edge.target);
    const [library] = await shipped();

    expect(library.files).toEqual(expectedFiles);
    expect(edges).toEqual(expectedEdges);
    // the edge goes to exactly the project rooted where the shipped files come from
    const rootedThere = Object.keys(projects).filter((name) => projects[name] === library.root.replace(/\/$/, ''));
    expect(edges).toEqual(rootedThere);
  });
});
