/** Child processes of the benchmark: timed, with timestamped output lines, stoppable as a group. */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Line {
  /** ms since the process was spawned */
  t: number;
  /** Without terminal colour codes (slurmpilot prints them whatever the terminal). */
  text: string;
}

// eslint-disable-next-line no-control-regex
const COLOUR_CODES = /\x1b\[[0-9;]*m/g;

export interface Timed {
  code: number | null;
  ms: number;
  /** Wall-clock time of the spawn (ms since the epoch), to line up timestamps the child prints. */
  startedAt: number;
  lines: Line[];
  text: string;
}

export interface TimedOptions {
  cwd: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Removed from it (a variable the user may have set that would change what is measured). */
  unset?: string[];
  /** Called for every output line (stdout and stderr) as it arrives. */
  onLine?: (line: Line) => void;
  timeoutMs?: number;
}

const children = new Set<ChildProcess>();

/** Spawns a program (no shell), timestamps each output line as it arrives, resolves on exit. */
export function timed(command: string, args: string[], options: TimedOptions): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const name of options.unset ?? []) delete env[name];
    const startedAt = performance.timeOrigin + performance.now();
    const start = performance.now();
    // its own process group, so a timeout or Ctrl-C can stop it and everything it started
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    const lines: Line[] = [];
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const t = performance.now() - start;
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = parts.pop()!;
      for (const text of parts) {
        const line = { t, text: text.replace(COLOUR_CODES, '') };
        lines.push(line);
        options.onLine?.(line);
      }
    };
    child.stdout!.on('data', feed('stdout'));
    child.stderr!.on('data', feed('stderr'));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stopGroup(child);
          reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs} ms; stopped`));
        }, options.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      const ms = performance.now() - start;
      for (const rest of [partial.stdout, partial.stderr])
        if (rest) lines.push({ t: ms, text: rest.replace(COLOUR_CODES, '') });
      resolve({ code, ms, startedAt, lines, text: lines.map((l) => l.text).join('\n') });
    });
  });
}

function stopGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Stops every process group the benchmark started and that is still running (Ctrl-C). */
export function stopChildren(): void {
  for (const child of children) stopGroup(child);
}

export function mustSucceed(what: string, result: Timed): Timed {
  if (result.code !== 0) {
    throw new Error(`${what} failed (exit ${result.code}); its output ends with:\n${tail(result)}`);
  }
  return result;
}

export function tail(result: Timed, count = 30): string {
  return result.lines
    .slice(-count)
    .map((l) => l.text)
    .join('\n');
}

/** Spawns `count` processes, at most `concurrency` at once; resolves with the wall time in ms. */
export async function spawnPool(
  count: number,
  concurrency: number,
  spawnOne: (i: number) => ChildProcess,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawnOne(i);
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (code !== 0) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures > 0) throw new Error(`baseline: ${failures} of ${count} runs failed`);
  return performance.now() - start;
}

/** What the benchmark must undo however it ends (jobs, remote folders, daemons, temp folders), last first. */
export class Cleanups {
  private readonly steps: { what: string; run: () => Promise<void> | void }[] = [];

  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  async runAll(log: (line: string) => void): Promise<void> {
    while (this.steps.length > 0) {
      const { what, run } = this.steps.pop()!;
      try {
        await run();
      } catch (error) {
        log(`cleanup "${what}" failed: ${(error as Error).message}`);
      }
    }
  }
}

export function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
