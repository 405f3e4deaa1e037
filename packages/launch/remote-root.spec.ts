import type { ExecResult, Transport } from '../transport';
import { resolveRemoteRoot } from './remote-root';

/** A transport that knows only its home folder and what `getent passwd` prints. */
function fakeTransport(kind: Transport['kind'], passwd: Record<string, string> = {}): Transport {
  return {
    kind,
    target: 'alice@hpc:22',
    home: async () => '/home/alice',
    exec: async (argv: string[]): Promise<ExecResult> => {
      const line = argv[0] === 'getent' ? passwd[argv[2]] : undefined;
      return line ? { stdout: `${line}\n`, stderr: '', code: 0 } : { stdout: '', stderr: '', code: 2 };
    },
  } as Partial<Transport> as Transport;
}

describe('resolveRemoteRoot', () => {
  const ssh = fakeTransport('ssh', { bob: 'bob:x:1002:1002::/home/bob:/bin/bash' });

  it.each([
    ['/scratch/nx-slurm', '/scratch/nx-slurm'],
    ['~', '/home/alice'],
    ['~/nx-slurm', '/home/alice/nx-slurm'],
    ['nx-slurm/e2e', '/home/alice/nx-slurm/e2e'],
    ['$HOME/x', '/home/alice/x'],
    ['${HOME}/x', '/home/alice/x'],
    ['~bob/shared', '/home/bob/shared'],
  ])('%s over SSH is %s', async (root, absolute) => {
    expect(await resolveRemoteRoot(root, ssh, '/ws')).toBe(absolute);
  });

  it('starts a relative root from the workspace with transport "local"', async () => {
    expect(await resolveRemoteRoot('state/cluster', fakeTransport('local'), '/ws')).toBe('/ws/state/cluster');
    expect(await resolveRemoteRoot('~/x', fakeTransport('local'), '/ws')).toBe('/home/alice/x');
  });

  it('names a user the cluster does not know', async () => {
    await expect(resolveRemoteRoot('~carol/x', ssh, '/ws')).rejects.toThrow(
      'remoteRoot "~carol/x": alice@hpc:22 knows no user carol (getent passwd carol found no home folder)',
    );
  });
});
