import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Bundle } from '../bundle';
import { runRemoteScript } from '../transport';
import { INSTALL_BUNDLES, PRESENT_BUNDLES } from './remote-scripts';
import type { Session } from './session';
import { consumedUploads, removeUploads, uploadFile } from './upload';

export interface NamedBundle {
  /** `project` or `library <name>`, for messages. */
  label: string;
  bundle: Bundle;
}

/**
 * Makes sure every bundle is installed under `bundles/<sha256>/`, uploading only hashes the
 * cluster lacks. Memoised per session, so projects of one invocation that share a library
 * upload it once even when they launch at the same moment.
 */
export async function ensureBundles(
  session: Session,
  bundles: NamedBundle[],
  log: (line: string) => void,
): Promise<void> {
  const fresh = [...new Map(bundles.map((b) => [b.bundle.sha256, b])).values()].filter(
    (b) => !session.installedBundles.has(b.bundle.sha256),
  );
  if (fresh.length > 0) {
    const work = installMissing(session, fresh, log);
    for (const b of fresh) session.installedBundles.set(b.bundle.sha256, work);
  }
  await Promise.all(bundles.map((b) => session.installedBundles.get(b.bundle.sha256)));
}

async function installMissing(session: Session, bundles: NamedBundle[], log: (line: string) => void): Promise<void> {
  const { transport, layout } = session;
  const present = await runRemoteScript(transport, PRESENT_BUNDLES, [
    layout.root,
    ...bundles.map((b) => b.bundle.sha256),
  ]);
  const installed = new Set(present.split('\n').filter(Boolean));
  const uploads: { sha256: string; path: string }[] = [];
  try {
    for (const { label, bundle } of bundles) {
      if (installed.has(bundle.sha256)) continue;
      const path = posix.join(layout.incomingDir, `${bundle.sha256}.${randomBytes(4).toString('hex')}.tar.gz`);
      await uploadFile(session, path, bundle.data);
      uploads.push({ sha256: bundle.sha256, path });
      log(
        `nx-slurm: uploaded ${label} bundle ${bundle.sha256.slice(0, 12)} (${bundle.bytes} bytes) to ${session.cluster.name}`,
      );
    }
  } catch (error) {
    // the bundles uploaded before the failure would never be installed
    await removeUploads(
      session,
      uploads.map((u) => u.path),
    ).catch(() => undefined);
    throw error;
  }
  if (uploads.length === 0) {
    log(`nx-slurm: code unchanged on ${session.cluster.name}: no bundle uploaded`);
    return;
  }
  // INSTALL_BUNDLES removes every upload it reads, the corrupted ones too
  await runRemoteScript(transport, INSTALL_BUNDLES, [
    layout.root,
    ...uploads.flatMap((u) => [u.sha256, u.path]),
  ]).finally(() =>
    consumedUploads(
      session,
      uploads.map((u) => u.path),
    ),
  );
}
