import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LocalTransport } from '../transport';
import { isDeadLocalHolder, parseLockVerdict, takeLaunchLock } from './launch-lock';
import { RELEASE_LOCK, TAKE_LOCK } from './remote-scripts';
import type { Session } from './session';

/** TAKE_LOCK run by bash as the cluster runs it. */
function take(
  lock: string,
  token: string,
  { lease = 60, holder = 'host=h pid=1', steal = '', then = [] as string[] } = {},
) {
  return execFileSync('bash', ['-c', TAKE_LOCK.body, 'nx-slurm', lock, token, String(lease), holder, steal, ...then], {
    encoding: 'utf8',
  });
}

const lockIn = () => join(mkdtempSync(join(tmpdir(), 'nx-slurm-lock-')), 'runs', 'mnist', '.launch.lock');

describe('TAKE_LOCK and RELEASE_LOCK', () => {
  it('one token holds the lock; another is told who holds it and for how long', () => {
    const lock = lockIn();
    expect(take(lock, 'aaa', { then: ['echo', 'runs follow'] })).toBe('ACQUIRED\nruns follow\n');
    const held = parseLockVerdict(take(lock, 'bbb', { then: ['echo', 'not run'] }).trim());
    expect(held).toMatchObject({ state: 'held', by: { token: 'aaa', description: 'host=h pid=1', host: 'h', pid: 1 } });
    expect(held.state === 'held' && held.secondsLeft).toBeGreaterThan(55);
    // the holder renews
    expect(take(lock, 'aaa')).toBe('ACQUIRED\n');
  });

  it('only the holder releases it', () => {
    const lock = lockIn();
    take(lock, 'aaa');
    execFileSync('bash', ['-c', RELEASE_LOCK.body, 'nx-slurm', lock, 'bbb']);
    expect(existsSync(lock)).toBe(true);
    execFileSync('bash', ['-c', RELEASE_LOCK.body, 'nx-slurm', lock, 'aaa']);
    expect(existsSync(lock)).toBe(false);
    expect(take(lock, 'bbb')).toBe('ACQUIRED\n');
  });

  it('a lock past its lease, or the named dead holder, is taken over', () => {
    const lock = lockIn();
    take(lock, 'aaa', { lease: 0 });
    expect(parseLockVerdict(take(lock, 'bbb').trim())).toMatchObject({ state: 'took-over', from: { token: 'aaa' } });
    expect(parseLockVerdict(take(lock, 'ccc').trim())).toMatchObject({ state: 'held', by: { token: 'bbb' } });
    expect(parseLockVerdict(take(lock, 'ccc', { steal: 'bbb' }).trim())).toMatchObject({
      state: 'took-over',
      from: { token: 'bbb' },
    });
  });
});

describe('isDeadLocalHolder', () => {
  it('is true only for a process of this machine that ended', () => {
    const ended = spawnSync('true').pid!;
    const alive = (pid: number) => pid === process.pid;
    expect(isDeadLocalHolder({ token: 'a', description: '', host: 'laptop', pid: ended }, 'laptop', alive)).toBe(true);
    expect(isDeadLocalHolder({ token: 'a', description: '', host: 'other', pid: ended }, 'laptop', alive)).toBe(false);
    expect(isDeadLocalHolder({ token: 'a', description: '', host: 'laptop', pid: process.pid }, 'laptop', alive)).toBe(
      false,
    );
    expect(isDeadLocalHolder({ token: 'a', description: 'old' }, 'laptop', alive)).toBe(false);
  });
});

describe('takeLaunchLock', () => {
  const session = { transport: new LocalTransport(), cluster: { name: 'lab' } } as unknown as Session;
  const scope = { cluster: 'lab', jobName: 'mnist', jobs: () => [] };

  it('waits while another live launch holds the lock, then takes it and runs what follows', async () => {
    const lock = lockIn();
    take(lock, 'other', { holder: `host=elsewhere pid=1 since=x` });
    const lines: string[] = [];
    let waits = 0;
    const held = await takeLaunchLock(session, lock, {
      scope,
      patienceMs: 60_000,
      log: (line) => lines.push(line),
      then: ['echo', 'run folders'],
      sleep: async () => {
        // the other launch submits, records, and lets go
        if (++waits === 2) execFileSync('bash', ['-c', RELEASE_LOCK.body, 'nx-slurm', lock, 'other']);
      },
    });
    expect(held.output).toBe('run folders\n');
    expect(waits).toBe(2);
    expect(lines).toEqual([
      'mnist: another launch of this sweep (host=elsewhere pid=1 since=x) is submitting on lab; waiting for it, then attaching to what it submitted',
    ]);
    await held.renew();
    await held.release();
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over at once from a launch of this machine that ended', async () => {
    const lock = lockIn();
    const ended = spawnSync('true').pid!;
    take(lock, 'other', { holder: `host=${hostname()} pid=${ended} since=x` });
    const lines: string[] = [];
    const held = await takeLaunchLock(session, lock, { scope, patienceMs: 60_000, log: (line) => lines.push(line) });
    expect(lines).toEqual([
      `mnist: took over the launch lock on lab from host=${hostname()} pid=${ended} since=x, which is gone`,
    ]);
    await held.release();
  });

  it('renew fails once another launch took the lock', async () => {
    const lock = lockIn();
    const held = await takeLaunchLock(session, lock, { scope, patienceMs: 60_000, log: () => {} });
    execFileSync('rm', ['-rf', lock]);
    take(lock, 'other', { holder: 'host=elsewhere pid=2' });
    await expect(held.renew()).rejects.toThrow(/another launch \(host=elsewhere pid=2\) took the launch lock on lab/);
  });

  it('gives up when the lock stays held past the patience', async () => {
    const lock = lockIn();
    take(lock, 'other', { holder: 'host=elsewhere pid=3', lease: 3600 });
    let now = 0;
    await expect(
      takeLaunchLock(session, lock, {
        scope,
        patienceMs: 1000,
        log: () => {},
        now: () => now,
        sleep: async (ms) => {
          now += ms * 100;
        },
      }),
    ).rejects.toThrow(/still holds the launch lock on lab, for \d+ s more\. If no such launch runs any more, remove/);
  });
});
