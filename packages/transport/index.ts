export type { ExecOptions, ExecResult, Transport, TransportStats } from './transport';
export {
  SshTransport,
  parseProxyJump,
  type HostKeyAcceptedEvent,
  type SshConnectOptions,
  type SshConnection,
} from './ssh';
export { LocalTransport } from './local';
export { ReconnectingTransport, isConnectionFault } from './reconnecting';
export { AuthenticationError, ConnectionError, FileError, HostKeyError, TransportError } from './errors';
export {
  fingerprintSha256,
  formatKnownHostsLine,
  parseKnownHosts,
  verifyHostKey,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts';

import { LocalTransport } from './local';
import { SshTransport, type SshConnectOptions, type SshConnection } from './ssh';
import type { Transport } from './transport';

/** A transport to a cluster profile's login node, or to this machine. */
export async function openTransport(target: SshConnection | 'local', options?: SshConnectOptions): Promise<Transport> {
  return target === 'local' ? new LocalTransport() : SshTransport.connect(target, options);
}
