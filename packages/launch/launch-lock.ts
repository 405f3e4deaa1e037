/**
 * One launch at a time per sweep, across processes and machines: a lock folder in the sweep's
 * run folder on the cluster (`runs/<jobName>/.launch.lock`, TAKE_LOCK in remote-scripts.ts)
 * around "read the run folders, decide, submit, record", so a second launch reads what the first
 * submitted and attaches to it. The owner file says who holds it and until when (the cluster's
 * clock): a holder that died is taken over once its lease ends, or at once when it was a process
 * of this machine that no longer exists.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { runRemoteScript } from '../transport';
import { patiently, type Patience, type RetryScope } from './faults';
import { RELEASE_LOCK, TAKE_LOCK } from './remote-scripts';
import type { Session } from './session';

export interface LockHolder {
  token: string;
  /** `host=laptop pid=4242 user=alice since=2026-12-08T03:10:00.000Z`, or what an older launch wrote. */
  description: string;
  host?: string;
  pid?: number;
}

export type LockVerdict =
  | { state: 'acquired' }
  | { state: 'took-over'; from: LockHolder }
  | { state: 'held'; secondsLeft: number; by: LockHolder };

/** Reads TAKE_LOCK's first line. */
export function parseLockVerdict(line: string): LockVerdict {
  if (line === 'ACQUIRED') return { state: 'acquired' };
  const tookOver = /^TOOK_OVER (.*)$/.exec(line);
  if (tookOver) return { state: 'took-over', from: parseOwner(tookOver[1]) };
  const held = /^HELD (-?\d+) ?(.*)$/.exec(line);
  if (held) return { state: 'held', secondsLeft: Number(held[1]), by: parseOwner(held[2]) };
  throw new Error(`Unexpected answer from the launch lock: ${JSON.stringify(line)}.`);
}

function parseOwner(owner: string): LockHolder {
  const [token = '', , ...words] = owner.split(' ');
  const description = words.join(' ');
  const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S+)`).exec(description)?.[1];
  const pid = Number(field('pid'));
  return {
    token,
    description: description || 'a launch',
    host: field('host'),
    pid: Number.isInteger(pid) ? pid : undefined,
  };
}

/** Whether a holder is a process of this machine that has ended (its lock can be taken at once). */
export function isDeadLocalHolder(holder: LockHolder, here: string, isAlive: (pid: number) => boolean): boolean {
  return holder.host === here && holder.pid !== undefined && holder.pid !== process.pid && !isAlive(holder.pid);
}

/** Time past its lease a waiting launch still gives a holder before it gives up. */
const LEASE_MARGIN_S = 60;
const WAIT_MS = { first: 500, factor: 1.5, max: 5000 };

export interface HeldLock {
  /** What the command given to take() printed once the lock was held. */
  output: string;
  /** Extends the lease; fails when another launch took the lock meanwhile. */
  renew(): Promise<void>;
  /** Gives the lock back if it is still ours (else the lease ends it). */
  release(): Promise<void>;
}

export interface LockOptions extends Patience {
  scope: RetryScope;
  /** Run on the cluster as soon as the lock is held, in the same command (the run folders to read). */
  then?: string[];
}

/**
 * Takes the sweep's launch lock, waiting while another live launch holds it. Its lease is the
 * patience and a margin: a holder that lost the cluster gives up within its patience.
 */
export async function takeLaunchLock(session: Session, lockDir: string, options: LockOptions): Promise<HeldLock> {
  const { transport, cluster } = session;
  const { scope, log } = options;
  const token = randomBytes(6).toString('hex');
  const leaseS = Math.ceil(options.patienceMs / 1000) + LEASE_MARGIN_S;
  const holder = `host=${hostname()} pid=${process.pid} user=${userInfo().username} since=${new Date().toISOString()}`;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const take = async (steal: string, then: string[]) => {
    const printed = await patiently(
      () => runRemoteScript(transport, TAKE_LOCK, [lockDir, token, String(leaseS), holder, steal, ...then]),
      scope,
      options,
    );
    const newline = printed.indexOf('\n');
    return { verdict: parseLockVerdict(printed.slice(0, newline)), output: printed.slice(newline + 1) };
  };

  const startedAt = now();
  let steal = '';
  let pause = WAIT_MS.first;
  let told = false;
  for (;;) {
    const { verdict, output } = await take(steal, options.then ?? []);
    if (verdict.state !== 'held') {
      if (verdict.state === 'took-over')
        log(
          `${scope.jobName}: took over the launch lock on ${cluster.name} from ${verdict.from.description}, which is gone`,
        );
      return {
        output,
        renew: async () => {
          const renewed = await take('', []);
          if (renewed.verdict.state === 'held')
            throw new Error(
              `${scope.jobName}: another launch (${renewed.verdict.by.description}) took the launch lock on ${cluster.name} while this one could not reach it; rerun the same command to attach to what it submits.`,
            );
        },
        release: async () => {
          await patiently(() => runRemoteScript(transport, RELEASE_LOCK, [lockDir, token]), scope, options);
        },
      };
    }
    if (isDeadLocalHolder(verdict.by, hostname(), isAlive)) {
      steal = verdict.by.token;
      continue;
    }
    if (!told) {
      log(
        `${scope.jobName}: another launch of this sweep (${verdict.by.description}) is submitting on ${cluster.name}; waiting for it, then attaching to what it submitted`,
      );
      told = true;
    }
    if (now() - startedAt > options.patienceMs + LEASE_MARGIN_S * 1000 && verdict.secondsLeft > 0)
      throw new Error(
        `${scope.jobName}: another launch (${verdict.by.description}) still holds the launch lock on ${cluster.name}, for ${verdict.secondsLeft} s more. If no such launch runs any more, remove ${lockDir} on ${cluster.name}, or rerun once the lock has expired.`,
      );
    await sleep(pause);
    pause = Math.min(WAIT_MS.max, pause * WAIT_MS.factor);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
