/** Helpers for e2e specs that use the test cluster (e2e/cluster/, started by global-setup). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SshConnection } from '../../packages/transport';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLUSTER_DIR = path.join(REPO_ROOT, 'e2e/cluster');

/** The lab folder: `$NX_SLURM_LAB`, default /tmp/nx-slurm-lab (as in e2e/cluster/lib.sh). */
export function labDir(): string {
  return process.env.NX_SLURM_LAB || '/tmp/nx-slurm-lab';
}

/** `$NX_SLURM_LAB/env`, the KEY=VALUE file start.sh writes once the cluster is ready. */
export function readLabEnv(): Record<string, string> {
  const file = path.join(labDir(), 'env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: the test cluster is not started (bash e2e/cluster/start.sh, as root)`);
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** How to reach the lab's login node: key auth, its host key pinned in the lab's known_hosts. */
export function labConnection(overrides: Partial<SshConnection> = {}): SshConnection {
  const env = readLabEnv();
  const get = (key: string) => {
    const value = env[key];
    if (!value) throw new Error(`${path.join(labDir(), 'env')} has no ${key}`);
    return value;
  };
  return {
    host: get('NX_SLURM_LAB_HOST'),
    port: Number(get('NX_SLURM_LAB_PORT')),
    user: get('NX_SLURM_LAB_USER'),
    identityFiles: [get('NX_SLURM_LAB_IDENTITY_FILE')],
    knownHostsFile: get('NX_SLURM_LAB_KNOWN_HOSTS_FILE'),
    strictHostKeyChecking: 'yes',
    // the lab key is enough; an agent of the developer's must not change what is tested
    agent: '',
    ...overrides,
  };
}

export interface WaitForOptions {
  /** What is awaited, for the timeout message ("array 12 to finish"). */
  what: string;
  timeoutMs: number;
  /** First pause between checks (default 200 ms); grows by `backoff` up to `maxIntervalMs`. */
  intervalMs?: number;
  /** Factor applied to the pause after each failed check (default 1.5; 1 = fixed interval). */
  backoff?: number;
  /** Longest pause between checks (default 2000 ms). */
  maxIntervalMs?: number;
}

/**
 * Polls `check` until it returns a value other than undefined/null/false, and returns that
 * value. A check that throws counts as "not yet" (its last error is in the timeout message).
 * Rejects after `timeoutMs` with what was awaited and the last value seen.
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions,
): Promise<T> {
  const { what, timeoutMs, intervalMs = 200, backoff = 1.5, maxIntervalMs = 2000 } = options;
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts++;
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const detail = lastError
        ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
        : '';
      throw new Error(`Timed out after ${timeoutMs} ms (${attempts} checks) waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * backoff, maxIntervalMs);
  }
}
