import type { SshTransport } from './ssh';
import type { SshConnectOptions, SshConnection } from './ssh-connection';

export type { SshTransport };

/**
 * An SSH transport, with ssh2 loaded only now: the project graph, the `local` cluster and a
 * finished sweep's status never open a connection, so they never pay for loading it.
 */
export function connectSsh(conn: SshConnection, options?: SshConnectOptions): Promise<SshTransport> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  const { SshTransport } = require('./ssh') as typeof import('./ssh');
  return SshTransport.connect(conn, options);
}
