export type { ExecResult, Transport } from './transport';
export { SshTransport } from './ssh';
export type { SshConnection } from './ssh-connection';
export { LocalTransport } from './local';
export { AuthenticationError, ConnectionError, HostKeyError, TransportError } from './errors';
export { parseSshConfig, type SshHostConfig } from './ssh-config';
export { DEFAULT_KNOWN_HOSTS_FILE, DEFAULT_SSH_PORT } from './openssh-defaults';
export { RemoteScriptError, runRemoteScript, type RemoteScript } from './remote-script';
