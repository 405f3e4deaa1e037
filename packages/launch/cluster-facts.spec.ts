import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterFactsFile } from './cluster-facts';

describe('ClusterFactsFile: what a cluster told once, per profile', () => {
  let workspace: string;
  beforeEach(() => (workspace = mkdtempSync(join(tmpdir(), 'nx-slurm-facts-'))));
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('keeps what was learned last', async () => {
    const file = ClusterFactsFile.at(workspace, 'hpc', 'alice@hpc:22');
    await file.save({ maxArraySize: 1001 });
    await file.save({ maxArraySize: 5001 });

    expect(await ClusterFactsFile.at(workspace, 'hpc', 'alice@hpc:22').read()).toEqual({
      key: 'alice@hpc:22',
      maxArraySize: 5001,
    });
  });

  it('forgets them when the profile changed, and reads a missing or broken file as nothing known', async () => {
    await ClusterFactsFile.at(workspace, 'hpc', 'alice@hpc:22').save({ maxArraySize: 1001 });
    expect(await ClusterFactsFile.at(workspace, 'hpc', 'alice@hpc2:22').read()).toEqual({ key: 'alice@hpc2:22' });

    const other = ClusterFactsFile.at(workspace, 'other', 'k');
    expect(await other.read()).toEqual({ key: 'k' });
    writeFileSync(other.path.replace('other.json', 'hpc.json'), '{"key": "alice@hpc:22", "maxArr');
    expect(await ClusterFactsFile.at(workspace, 'hpc', 'alice@hpc:22').read()).toEqual({ key: 'alice@hpc:22' });
  });
});
