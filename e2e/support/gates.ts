/**
 * Gates hold array indices on the cluster until the test opens them, so that what a test sees
 * of a run still going does not depend on how fast the machine is. A gate is a file: the
 * cluster's filesystem is this machine's, so the test opens it by creating the file in the lab
 * user's home, and the held index (HOLD_PY) goes on once it exists.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { remoteHome } from './sweeps';

/**
 * `python3 hold.py [--until GATE] ...`: prints "index I starts", waits until the file GATE
 * exists or its folder is gone (Gates.close), then prints "index I done". Gives up after
 * four minutes, so that a test killed before its cleanup does not hold a CPU for good.
 */
export const HOLD_PY = `import os, sys, time
argv = sys.argv[1:]
index = os.environ["NX_SLURM_INDEX"]
print("index", index, "starts", flush=True)
if "--until" in argv:
    gate = argv[argv.index("--until") + 1]
    deadline = time.time() + 240
    while os.path.isdir(os.path.dirname(gate)) and not os.path.exists(gate):
        if time.time() > deadline:
            sys.exit(f"index {index}: the gate {gate} was never opened")
        time.sleep(0.1)
print("index", index, "done", flush=True)
`;

/** The gates of one spec file, in a folder of their own under the lab user's home. */
export class Gates {
  readonly dir = path.join(remoteHome(), 'nx-slurm-e2e-gates', `${process.pid}-${randomBytes(4).toString('hex')}`);

  /** Call before submitting anything held: an index whose gates folder is missing is not held. */
  create(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  /** The absolute path to pass as `--until` (the name is a plain word). */
  path(name: string): string {
    return path.join(this.dir, name);
  }

  open(name: string): void {
    writeFileSync(this.path(name), '');
  }

  /** Releases every index still held (a test that failed half-way) and removes the folder. */
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
