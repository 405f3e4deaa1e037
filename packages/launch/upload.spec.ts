import type { ResolvedCluster } from '../config';
import type { ExecResult, Transport } from '../transport';
import { RemoteLayout } from './remote-layout';
import type { Session } from './session';
import { consumedUploads, uploadFile } from './upload';

/** A transport whose writes fail after `capacity` bytes, like a full disk, and that runs the scripts upload.ts uses. */
function fullDisk(capacity: number, freeKilobytes: number) {
  const files = new Map<string, number>();
  const transport = {
    kind: 'ssh',
    target: 'alice@hpc:22',
    writeFile: async (path: string, data: Buffer) => {
      files.set(path, Math.min(data.length, capacity));
      if (data.length > capacity)
        throw Object.assign(new Error(`ssh alice@hpc:22: cannot write ${path}: Failure`), { code: 'EIO' });
    },
    exec: async (argv: string[]): Promise<ExecResult> => {
      const script = argv[2];
      if (script.startsWith('rm -f')) for (const path of argv.slice(4)) files.delete(path);
      const stdout = script.startsWith('df') ? `${freeKilobytes}\n` : '';
      return { stdout, stderr: '', code: 0 };
    },
  } as Partial<Transport> as Transport;
  const session = {
    cluster: { name: 'hpc', profile: { remoteRoot: '~/nx-slurm' } } as ResolvedCluster,
    transport,
    layout: new RemoteLayout('/home/alice/nx-slurm'),
    pendingUploads: new Set<string>(),
  } as Partial<Session> as Session;
  return { session, files };
}

describe('uploadFile', () => {
  const path = '/home/alice/nx-slurm/incoming/abc.1234.tar.gz';

  it('names a full disk with its free space and removes the partial file', async () => {
    const { session, files } = fullDisk(100, 0);
    await expect(uploadFile(session, path, Buffer.alloc(4096))).rejects.toThrow(
      'no space left on hpc (~/nx-slurm: 0 bytes free; the upload needs 4096 bytes). Free space there, or point "remoteRoot" of the cluster profile hpc in nx.json at a larger disk.',
    );
    expect(files.size).toBe(0);
    expect(session.pendingUploads.size).toBe(0);
  });

  it('points at a quota when the disk has room but the write failed', async () => {
    const { session, files } = fullDisk(100, 1_000_000);
    await expect(uploadFile(session, path, Buffer.alloc(4096))).rejects.toThrow(
      /cannot write .*: Failure although 1024000000 bytes are free there\. If a disk quota is full, `quota -s` on hpc shows it; nothing was left behind in ~\/nx-slurm\./,
    );
    expect(files.size).toBe(0);
  });

  it('keeps a written file pending until a remote script has consumed it', async () => {
    const { session, files } = fullDisk(1_000_000, 1_000_000);
    await uploadFile(session, path, Buffer.alloc(4096));
    expect([...session.pendingUploads]).toEqual([path]);
    expect(files.get(path)).toBe(4096);
    consumedUploads(session, [path]);
    expect(session.pendingUploads.size).toBe(0);
  });
});
