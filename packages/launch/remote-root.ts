import { posix } from 'node:path';
import { parseRemoteRoot } from '../config';
import type { Transport } from '../transport';

/**
 * The absolute folder a profile's remoteRoot names on the cluster, resolved once per
 * connection: home folders are the cluster's (launch/connect.ts expands the local `~` of key
 * and known_hosts paths, never this one).
 */
export async function resolveRemoteRoot(root: string, transport: Transport, workspaceRoot: string): Promise<string> {
  const form = parseRemoteRoot(root);
  switch (form.from) {
    case 'absolute':
      return form.path;
    case 'relative':
      // with transport "local" the cluster is this machine, and the workspace is where one stands
      return posix.join(transport.kind === 'local' ? workspaceRoot : await transport.home(), form.path);
    case 'home':
      return posix.join(await transport.home(), form.path);
    case 'user-home': {
      const entry = await transport.exec(['getent', 'passwd', form.user]);
      const home = entry.code === 0 ? entry.stdout.trim().split(':')[5] : undefined;
      if (!home?.startsWith('/')) {
        throw new Error(
          `remoteRoot "${root}": ${transport.target} knows no user ${form.user} (getent passwd ${form.user} found no home folder). ` +
            'Fix "remoteRoot" of the cluster profile in nx.json.',
        );
      }
      return posix.join(home, form.path);
    }
  }
}
