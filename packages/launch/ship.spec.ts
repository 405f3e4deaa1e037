import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProject } from '../bundle';
import { ConnectionError, LocalTransport } from '../transport';
import { RemoteLayout } from './remote-layout';
import type { Session } from './session';
import { ensureBundles } from './ship';

describe('ensureBundles', () => {
  it('forgets an install that failed, so trying again (after a dropped connection) installs the bundle', async () => {
    const project = mkdtempSync(join(tmpdir(), 'nx-slurm-ship-project-'));
    writeFileSync(join(project, 'train.py'), 'print(1)\n');
    const bundle = await bundleProject({ root: project });
    const root = mkdtempSync(join(tmpdir(), 'nx-slurm-ship-root-'));
    const transport = new LocalTransport();
    const exec = transport.exec.bind(transport);
    let drop = true;
    transport.exec = async (argv, options) => {
      if (drop) {
        drop = false;
        throw new ConnectionError('ssh alice@hpc:22: cannot run bash: No response from server', 'CONNECTION_LOST');
      }
      return exec(argv, options);
    };
    const session = {
      transport,
      cluster: { name: 'lab' },
      layout: new RemoteLayout(root),
      installedBundles: new Map(),
    } as unknown as Session;
    const bundles = [{ label: 'project', bundle }];

    await expect(ensureBundles(session, bundles, () => {})).rejects.toBeInstanceOf(ConnectionError);
    await ensureBundles(session, bundles, () => {});

    expect(readdirSync(join(root, 'bundles'))).toEqual([bundle.sha256]);
  });
});
