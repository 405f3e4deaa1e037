import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import {
  checkHostKey,
  loadHostKeyPolicy,
  preferredHostKeyAlgorithms,
  type HostKeyAcceptedEvent,
  type HostKeyPolicy,
} from './host-key-check';
import { hostToken } from './known-hosts';
import { DEFAULT_SSH_PORT, SERVER_ALIVE_COUNT_MAX } from './openssh-defaults';
import { loadCredentials, type Credentials } from './ssh-credentials';
import { badProxyJump, cannotStartConnecting, connectionFailure, jumpForwardFailed } from './ssh-errors';

/**
 * Where and how to connect, every default applied and `~` already expanded: launch/connect.ts
 * makes one from a cluster profile and ~/.ssh/config.
 */
export interface SshConnection {
  /** The real host name (HostName from ~/.ssh/config when the profile names an alias). */
  host: string;
  port: number;
  user: string;
  /** Private keys to offer; empty means the SSH agent only. */
  identityFiles: string[];
  knownHostsFile: string;
  proxyJump?: string;
  strictHostKeyChecking: 'yes' | 'accept-new';
  /**
   * Seconds between keep-alives (OpenSSH's ServerAliveInterval): after SERVER_ALIVE_COUNT_MAX
   * unanswered ones the connection counts as lost, so a silent drop is noticed. 0 or absent: none.
   */
  serverAliveInterval?: number;
  /** ssh-agent socket; default `SSH_AUTH_SOCK`, '' for none. */
  agent?: string;
}

export interface SshConnectOptions {
  /** Called after an unknown host key was trusted and appended to known_hosts. */
  onHostKeyAccepted?: (event: HostKeyAcceptedEvent) => void;
}

/** One hop of a connection. */
export interface Endpoint {
  host: string;
  port: number;
  user: string;
}

/** The open client of the target, and of the jump host it goes through (if any). */
export interface SshClients {
  client: Client;
  jump?: Client;
  target: Endpoint;
}

/** Handshake and authentication limit per hop. */
const READY_TIMEOUT_MS = 20_000;

/** Connects to the target, through the jump host when `proxyJump` is set (then two connections). */
export async function openSshClients(conn: SshConnection, options: SshConnectOptions = {}): Promise<SshClients> {
  const credentials = await loadCredentials(conn.identityFiles, conn.agent);
  const hostKeys = await loadHostKeyPolicy(
    conn.knownHostsFile,
    conn.strictHostKeyChecking === 'accept-new',
    options.onHostKeyAccepted,
  );
  const target: Endpoint = { host: conn.host, port: conn.port, user: conn.user };

  let jump: Client | undefined;
  let sock: Duplex;
  if (conn.proxyJump) {
    const hop = parseProxyJump(conn.proxyJump, conn.user);
    jump = await handshake(hop, tcpConnect(hop), credentials, hostKeys, conn.serverAliveInterval);
    try {
      sock = await forwardOut(jump, hop, target);
    } catch (error) {
      jump.end();
      throw error;
    }
  } else {
    sock = tcpConnect(target);
  }
  try {
    const client = await handshake(
      target,
      sock,
      credentials,
      hostKeys,
      conn.serverAliveInterval,
      jump && conn.proxyJump,
    );
    return { client, ...(jump && { jump }), target };
  } catch (error) {
    jump?.end();
    throw error;
  }
}

/** `[user@]host[:port]` (IPv6 as `[addr]:port`); a comma list of hops is not supported. */
export function parseProxyJump(spec: string, defaultUser: string): Endpoint {
  if (spec.includes(',')) throw badProxyJump(spec, 'only one jump host is supported');
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(spec.trim());
  if (!match) throw badProxyJump(spec, 'expected [user@]host[:port]');
  return {
    user: match[1] ?? defaultUser,
    host: match[2].replace(/^\[|\]$/g, ''),
    port: match[3] ? Number(match[3]) : DEFAULT_SSH_PORT,
  };
}

function tcpConnect({ host, port }: Endpoint): net.Socket {
  // ssh2 leaves Nagle's algorithm on: about 40 ms more per command round trip.
  return net.connect({ host, port, noDelay: true });
}

function forwardOut(jump: Client, hop: Endpoint, target: Endpoint): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) =>
      error ? reject(jumpForwardFailed(hop, target, error)) : resolve(stream),
    ),
  );
}

/** SSH handshake + host key check + authentication over an open stream. */
function handshake(
  endpoint: Endpoint,
  sock: Duplex,
  credentials: Credentials,
  hostKeys: HostKeyPolicy,
  serverAliveInterval: number | undefined,
  via?: string,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refusal: Error | undefined;
    let ready = false;
    client.on('error', (error) => {
      if (!ready) reject(refusal ?? connectionFailure(error, endpoint, credentials.offered, via));
    });
    client.once('ready', () => {
      ready = true;
      resolve(client);
    });
    const config: ConnectConfig = {
      sock: sock as ConnectConfig['sock'],
      username: endpoint.user,
      readyTimeout: READY_TIMEOUT_MS,
      keepaliveInterval: serverAliveInterval ? serverAliveInterval * 1000 : undefined,
      keepaliveCountMax: SERVER_ALIVE_COUNT_MAX,
      privateKey: credentials.privateKey,
      agent: credentials.agent,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(hostKeys.entries, endpoint.host, endpoint.port) },
      hostVerifier: (key: Buffer) => {
        try {
          return checkHostKey(key, endpoint.host, endpoint.port, hostKeys);
        } catch (error) {
          refusal = error as Error;
          return false;
        }
      },
    };
    try {
      client.connect(config);
    } catch (error) {
      reject(cannotStartConnecting(hostToken(endpoint.host, endpoint.port), error as Error));
    }
  });
}
