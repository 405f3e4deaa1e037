import { posix } from 'node:path';
import { exitMarkerPath } from '../slurm';

/** Where things live under a cluster's remoteRoot (README.md, "On the cluster"); paths only, no I/O. */
export class RemoteLayout {
  constructor(readonly root: string) {}

  get bundlesDir(): string {
    return posix.join(this.root, 'bundles');
  }
  /** Uploads land here first; only a verified, fully extracted bundle is renamed into place. */
  get incomingDir(): string {
    return posix.join(this.root, 'incoming');
  }
  bundle(sha256: string): string {
    return posix.join(this.bundlesDir, sha256);
  }
  jobRuns(jobName: string): string {
    return posix.join(this.root, 'runs', jobName);
  }
  run(jobName: string, runId: string): string {
    return posix.join(this.jobRuns(jobName), runId);
  }
}

/** Files of one run folder. */
export function runFiles(runDir: string) {
  return {
    script: posix.join(runDir, 'job.sbatch'),
    meta: posix.join(runDir, 'meta.json'),
    stdout: (index: number) => posix.join(runDir, 'logs', `${index}.out`),
    stderr: (index: number) => posix.join(runDir, 'logs', `${index}.err`),
    exitMarker: (index: number) => exitMarkerPath(runDir, index),
    output: (index: number) => posix.join(runDir, 'out', String(index)),
  };
}

/** Sortable, unique enough for one user: `20261127-211530-4f2a`. */
export function newRunId(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${random}`;
}
