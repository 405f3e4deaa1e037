import { runRemoteScript } from '../transport';
import { FREE_SPACE, REMOVE_FILES } from './remote-scripts';
import type { Session } from './session';

/**
 * Writes one file under the cluster's `incoming/` without ever leaving litter: the file stays in
 * `session.pendingUploads` until the caller has consumed it (`consumedUploads`), so an interrupt
 * removes it (SessionPool.interrupt); a failed write is removed at once, and one that fails on
 * a full disk says so with the free space instead of SFTP's bare "Failure".
 */
export async function uploadFile(session: Session, path: string, data: Buffer): Promise<void> {
  const { transport } = session;
  session.pendingUploads.add(path);
  try {
    await transport.writeFile(path, data);
  } catch (error) {
    // measured before the partial file is removed: what the disk looked like when the write failed
    const free = await freeBytes(session).catch(() => undefined);
    await removeUploads(session, [path]).catch(() => undefined);
    throw uploadError(session, error as Error, data.length, free);
  }
}

/** The remote script that read these uploads has removed them. */
export function consumedUploads(session: Session, paths: string[]): void {
  for (const path of paths) session.pendingUploads.delete(path);
}

/** Removes uploads nothing will consume (a later step failed, or the user interrupted). */
export async function removeUploads(session: Session, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await runRemoteScript(session.transport, REMOVE_FILES, paths);
  consumedUploads(session, paths);
}

async function freeBytes(session: Session): Promise<number | undefined> {
  const printed = (await runRemoteScript(session.transport, FREE_SPACE, [session.layout.incomingDir])).trim();
  return /^\d+$/.test(printed) ? Number(printed) * 1024 : undefined;
}

function uploadError(session: Session, error: Error, needed: number, free: number | undefined): Error {
  const { name, profile } = session.cluster;
  const where = profile.remoteRoot;
  if (free !== undefined && free < needed) {
    return new Error(
      `no space left on ${name} (${where}: ${free} bytes free; the upload needs ${needed} bytes). ` +
        `Free space there, or point "remoteRoot" of the cluster profile ${name} in nx.json at a larger disk.`,
      { cause: error },
    );
  }
  const room = free === undefined ? '' : ` although ${free} bytes are free there`;
  return new Error(
    `${error.message}${room}. If a disk quota is full, \`quota -s\` on ${name} shows it; nothing was left behind in ${where}.`,
    { cause: error },
  );
}
