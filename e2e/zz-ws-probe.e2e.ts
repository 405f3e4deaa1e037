import { createWorkspace } from './support/workspace';
it('creates a workspace', async () => {
  const t0 = Date.now();
  const ws = await createWorkspace('probe');
  const t1 = Date.now();
  const r = await ws.nx(['show', 'projects']);
  console.log('install ms', t1 - t0, 'nx ms', Date.now() - t1, ws.dir, r.code, r.stdout.slice(0, 300), r.stderr.slice(0, 500));
  const v = await ws.run('node', ['-e', 'console.log(require("nx-slurm/package.json").version, require("nx/package.json").version)']);
  console.log(v.stdout);
  expect(r.code).toBe(0);
}, 300000);
