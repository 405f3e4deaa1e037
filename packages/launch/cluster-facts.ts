import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WORKSPACE_STATE_DIR } from '../config';

/**
 * What a launch learns about a cluster once and need not ask again: the largest array it takes
 * (`scontrol show config` costs the controller a request). Valid only for the profile it was
 * learned with (`key`: its host, port and user), so pointing the profile elsewhere forgets it.
 */
export interface ClusterFacts {
  key: string;
  maxArraySize?: number;
}

/** `.nx-slurm/clusters/<cluster>.json` (WORKSPACE_STATE_DIR): a cache, so a missing or unreadable file is just empty. */
export class ClusterFactsFile {
  constructor(
    readonly path: string,
    private readonly key: string,
  ) {}

  static at(workspaceRoot: string, cluster: string, key: string): ClusterFactsFile {
    return new ClusterFactsFile(join(workspaceRoot, WORKSPACE_STATE_DIR, 'clusters', `${cluster}.json`), key);
  }

  async read(): Promise<ClusterFacts> {
    try {
      const facts = JSON.parse(await readFile(this.path, 'utf8')) as ClusterFacts;
      if (facts.key === this.key) return facts;
    } catch {
      // absent or half-written: learned again
    }
    return { key: this.key };
  }

  /** Atomic (write + rename): concurrent launches learn the same facts, the last write wins. */
  async save(facts: Omit<ClusterFacts, 'key'>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ ...(await this.read()), ...facts, key: this.key }));
    await rename(tmp, this.path);
  }
}
