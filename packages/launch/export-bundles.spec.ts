import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProject } from '../bundle';
import { exportBundles } from './export-bundles';
import type { PreparedSweep } from './prepare';

describe('exportBundles', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'nx-slurm-export-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes each bundle under a safe name with its short hash, and a manifest of the hashes', async () => {
    for (const [folder, file] of [
      ['exp', 'train.py'],
      ['metrics', 'score.py'],
    ]) {
      await mkdir(join(dir, folder));
      await writeFile(join(dir, folder, file), `# ${file}\n`);
    }
    const project = await bundleProject({ root: join(dir, 'exp') });
    const library = await bundleProject({ root: join(dir, 'metrics') });
    const notice = 'nx-slurm: exp: left out 1 secret-looking file(s) from the bundle of exp (.env): ...';
    const sweep = {
      project,
      libraries: [{ name: '@lab/metrics', bundle: library }],
      notices: [notice],
    } as unknown as PreparedSweep;
    const outDir = join(dir, 'dist', 'nx-slurm', 'exp');

    const lines = await exportBundles(sweep, outDir);

    const projectFile = `project-${project.sha256.slice(0, 12)}.tar.gz`;
    const libraryFile = `_lab_metrics-${library.sha256.slice(0, 12)}.tar.gz`;
    expect((await readdir(outDir)).sort()).toEqual([libraryFile, 'manifest.json', projectFile].sort());
    const written = await readFile(join(outDir, projectFile));
    expect(createHash('sha256').update(written).digest('hex')).toBe(project.sha256);
    expect(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'))).toEqual({
      project: { sha256: project.sha256, files: 1, bytes: project.bytes },
      '@lab/metrics': { sha256: library.sha256, files: 1, bytes: library.bytes },
    });
    expect(lines).toEqual([
      notice,
      `project: 1 files, ${project.bytes} bytes, sha256 ${project.sha256} -> ${projectFile}`,
      `@lab/metrics: 1 files, ${library.bytes} bytes, sha256 ${library.sha256} -> ${libraryFile}`,
    ]);
  });
});
