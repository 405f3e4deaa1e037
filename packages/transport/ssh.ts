import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import {
  Client,
  utils,
  type AlgorithmList,
  type ConnectConfig,
  type ServerHostKeyAlgorithm,
  type SFTPWrapper,
} from 'ssh2';
import { AuthenticationError, ConnectionError, FileError, HostKeyError, TransportError } from './errors';
import {
  fingerprintSha256,
  formatKnownHostsLine,
  hostToken,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  verifyHostKey,
  type KnownHostEntry,
} from './known-hosts';
import { SERVER_ALIVE_COUNT_MAX, type Connection } from '../config';
import { shellQuote } from '../sweep';
import type { ExecOptions, ExecResult, Transport, TransportStats } from './transport';

/** Where and how to connect: a cluster profile with `~/.ssh/config` already applied (config's `mergeConnection`). */
export interface SshConnection extends Connection {
  /** ssh-agent socket; default `SSH_AUTH_SOCK`. */
  agent?: string;
}

export interface HostKeyAcceptedEvent {
  host: string;
  port: number;
  fingerprint: string;
  knownHostsFile: string;
  line: string;
}

export interface SshConnectOptions {
  /** Same as `strictHostKeyChecking: 'accept-new'`. */
  acceptNewHostKeys?: boolean;
  /** Called after an unknown host key was trusted and appended to known_hosts. */
  onHostKeyAccepted?: (event: HostKeyAcceptedEvent) => void;
  /** Handshake and authentication limit per hop, ms (default 20000). */
  readyTimeoutMs?: number;
  /**
   * Keep-alive every this many ms (default: the connection's serverAliveInterval); after
   * `keepaliveCountMax` (default 3, as OpenSSH) unanswered ones the connection counts as lost,
   * so a silent drop is noticed.
   */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

interface Credentials {
  privateKey?: Buffer;
  agent?: string;
  /** What was offered or skipped, for the authentication error. */
  offered: string[];
}

interface Endpoint {
  host: string;
  port: number;
  user: string;
}

/**
 * Transport over one SSH connection (ssh2), reused for every command and file operation;
 * through a jump host when `proxyJump` is set (then two connections).
 */
export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  readonly target: string;
  private readonly counters: TransportStats;
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly jump: Client | undefined,
    endpoint: Endpoint,
  ) {
    this.target = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
    this.counters = { connections: jump ? 2 : 1, commands: 0, bytesSent: 0 };
    client.on('close', () => (this.closed = true));
  }

  static async connect(conn: SshConnection, options: SshConnectOptions = {}): Promise<SshTransport> {
    const credentials = await loadCredentials(conn);
    const knownHosts = await loadKnownHosts(conn.knownHostsFile);
    const hostKeys: HostKeyPolicy = {
      entries: knownHosts,
      file: conn.knownHostsFile,
      acceptNew: options.acceptNewHostKeys ?? conn.strictHostKeyChecking === 'accept-new',
      onAccepted: options.onHostKeyAccepted,
    };
    const readyTimeout = options.readyTimeoutMs ?? 20_000;
    const keepalive = {
      interval: options.keepaliveIntervalMs ?? (conn.serverAliveInterval ? conn.serverAliveInterval * 1000 : undefined),
      countMax: options.keepaliveCountMax ?? SERVER_ALIVE_COUNT_MAX,
    };
    const target: Endpoint = { host: conn.host, port: conn.port, user: conn.user };

    let jump: Client | undefined;
    let sock: Duplex;
    if (conn.proxyJump) {
      const hop = parseProxyJump(conn.proxyJump, conn.user);
      jump = await handshake(hop, tcpConnect(hop), credentials, hostKeys, readyTimeout, keepalive);
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
        readyTimeout,
        keepalive,
        jump && conn.proxyJump,
      );
      return new SshTransport(client, jump, target);
    } catch (error) {
      jump?.end();
      throw error;
    }
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = shellQuote(argv);
    this.counters.commands++;
    const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
    return new Promise((resolve, reject) => {
      // the client closes before ssh2 fails what was under way on it (client.js): closed is current
      const failed = (reason: string) =>
        reject(
          new ConnectionError(
            `ssh ${this.target}: cannot run ${argv[0]}: ${reason}`,
            this.closed ? 'CONNECTION_LOST' : 'EXEC_FAILED',
          ),
        );
      try {
        this.client.exec(command, (error, channel) => {
          if (error) return failed(error.message);
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let exit: { code: number | null } | undefined;
          channel.on('data', (chunk: Buffer) => stdout.push(chunk));
          channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          channel.on('exit', (code: number | null) => (exit = { code: typeof code === 'number' ? code : null }));
          channel.on('close', () => {
            if (!exit) return failed('the connection closed before the command ended');
            resolve({
              stdout: Buffer.concat(stdout).toString('utf8'),
              stderr: Buffer.concat(stderr).toString('utf8'),
              code: exit.code,
            });
          });
          if (stdin) this.counters.bytesSent += stdin.length;
          channel.end(stdin);
        });
      } catch (error) {
        failed(this.closed ? 'the connection is closed' : (error as Error).message);
      }
    });
  }

  async home(): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.realpath('.', (error, absolute) =>
        error ? reject(this.fileError('resolve the home folder', '.', error)) : resolve(absolute),
      ),
    );
  }

  async writeFile(remotePath: string, data: Buffer | string): Promise<void> {
    const sftp = await this.sftp();
    const bytes = Buffer.from(data);
    this.counters.bytesSent += bytes.length;
    return new Promise((resolve, reject) =>
      sftp.writeFile(remotePath, bytes, (error) =>
        error ? reject(this.fileError('write', remotePath, error)) : resolve(),
      ),
    );
  }

  async readFile(remotePath: string, from = 0): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      sftp
        .createReadStream(remotePath, { start: from })
        .on('data', (chunk: Buffer) => chunks.push(chunk))
        .on('error', (error: Error & { code?: number | string }) => reject(this.fileError('read', remotePath, error)))
        .on('end', () => resolve(Buffer.concat(chunks)));
    });
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    const ended = (client: Client) =>
      new Promise<void>((resolve) => {
        client.once('close', () => resolve());
        client.end();
      });
    if (!this.closed) await ended(this.client);
    if (this.jump) await ended(this.jump);
  }

  /** A file operation's failure; when the connection went with it, that is what it says. */
  private fileError(action: string, remotePath: string, error: Error & { code?: number | string }): TransportError {
    if (this.closed)
      return new ConnectionError(
        `ssh ${this.target}: cannot ${action} ${remotePath}: the connection was lost (${error.message})`,
        'CONNECTION_LOST',
        { cause: error },
      );
    return fileError(action, remotePath, error, this.target);
  }

  /** The one SFTP session, opened on first use. */
  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      this.sftpSession = new Promise<SFTPWrapper>((resolve, reject) => {
        try {
          this.client.sftp((error, sftp) =>
            error
              ? reject(
                  new ConnectionError(
                    `ssh ${this.target}: cannot open SFTP: ${error.message}`,
                    this.closed ? 'CONNECTION_LOST' : 'SFTP_FAILED',
                  ),
                )
              : resolve(sftp),
          );
        } catch (error) {
          reject(
            new ConnectionError(`ssh ${this.target}: cannot open SFTP: ${(error as Error).message}`, 'SFTP_FAILED'),
          );
        }
      });
      this.sftpSession.catch(() => (this.sftpSession = undefined));
    }
    return this.sftpSession;
  }
}

interface HostKeyPolicy {
  entries: KnownHostEntry[];
  file: string;
  acceptNew: boolean;
  onAccepted?: (event: HostKeyAcceptedEvent) => void;
}

/** `[user@]host[:port]` (IPv6 as `[addr]:port`); a comma list of hops is not supported. */
export function parseProxyJump(spec: string, defaultUser: string): Endpoint {
  if (spec.includes(','))
    throw new ConnectionError(`proxyJump "${spec}": only one jump host is supported`, 'BAD_PROXY_JUMP');
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(spec.trim());
  if (!match) throw new ConnectionError(`proxyJump "${spec}": expected [user@]host[:port]`, 'BAD_PROXY_JUMP');
  return {
    user: match[1] ?? defaultUser,
    host: match[2].replace(/^\[|\]$/g, ''),
    port: match[3] ? Number(match[3]) : 22,
  };
}

function tcpConnect({ host, port }: Endpoint): net.Socket {
  // ssh2 leaves Nagle's algorithm on: about 40 ms more per command round trip.
  return net.connect({ host, port, noDelay: true });
}

function forwardOut(jump: Client, hop: Endpoint, target: Endpoint): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) =>
      error
        ? reject(
            new ConnectionError(
              `jump host ${hop.user}@${hop.host}:${hop.port} could not reach ${target.host}:${target.port}: ${error.message}. ` +
                'Check that the target is reachable from the jump host and that its sshd allows TCP forwarding.',
              'PROXY_JUMP_FAILED',
            ),
          )
        : resolve(stream),
    ),
  );
}

/** SSH handshake + host key check + authentication over an open stream. */
function handshake(
  endpoint: Endpoint,
  sock: Duplex,
  credentials: Credentials,
  hostKeys: HostKeyPolicy,
  readyTimeout: number,
  keepalive: { interval?: number; countMax?: number },
  via?: string,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refusal: Error | undefined;
    let ready = false;
    client.on('error', (error) => {
      if (!ready) reject(refusal ?? connectionFailure(error, endpoint, credentials, via));
    });
    client.once('ready', () => {
      ready = true;
      resolve(client);
    });
    const config: ConnectConfig = {
      sock: sock as ConnectConfig['sock'],
      username: endpoint.user,
      readyTimeout,
      keepaliveInterval: keepalive.interval,
      keepaliveCountMax: keepalive.countMax,
      privateKey: credentials.privateKey,
      agent: credentials.agent,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(hostKeys.entries, endpoint) },
      hostVerifier: (key: Buffer) => {
        try {
          return checkHostKey(key, endpoint, hostKeys);
        } catch (error) {
          refusal = error as Error;
          return false;
        }
      },
    };
    try {
      client.connect(config);
    } catch (error) {
      reject(
        new ConnectionError(
          `cannot connect to ${hostToken(endpoint.host, endpoint.port)}: ${(error as Error).message}`,
          'CONNECT_FAILED',
        ),
      );
    }
  });
}

/** true when the key is trusted (possibly after recording it); throws HostKeyError otherwise. */
function checkHostKey(key: Buffer, { host, port }: Endpoint, policy: HostKeyPolicy): boolean {
  const verdict = verifyHostKey(policy.entries, host, port, key);
  const fingerprint = fingerprintSha256(key);
  const where = hostToken(host, port);
  switch (verdict.status) {
    case 'match':
      return true;
    case 'unknown': {
      const keyType = keyTypeOf(key);
      if (!policy.acceptNew) {
        throw new HostKeyError(
          `The host key of ${where} is not known (${policy.file} has no entry for it).\n` +
            `  ${keyType} key fingerprint: ${fingerprint}\n` +
            `Check this fingerprint with the cluster's admins, then trust it:\n` +
            `  ssh-keyscan -p ${port} ${host} >> ${policy.file}\n` +
            `or let nx-slurm record it on first use: set "strictHostKeyChecking": "accept-new" in the cluster profile.`,
          'unknown',
          fingerprint,
        );
      }
      const line = formatKnownHostsLine(host, port, key);
      mkdirSync(path.dirname(policy.file), { recursive: true, mode: 0o700 });
      appendFileSync(policy.file, `${line}\n`, { mode: 0o600 });
      policy.entries.push(...parseKnownHosts(line));
      policy.onAccepted?.({ host, port, fingerprint, knownHostsFile: policy.file, line });
      return true;
    }
    case 'changed': {
      const lines = verdict.known.map((e) => `${policy.file}:${e.line} (${e.keyType})`).join(', ');
      throw new HostKeyError(
        `@@@ WARNING: THE HOST KEY OF ${where} HAS CHANGED @@@\n` +
          `Someone could be intercepting this connection (man-in-the-middle), or the host key was replaced.\n` +
          `  the server now presents: ${keyTypeOf(key)} ${fingerprint}\n` +
          `  on record: ${lines}\n` +
          `nx-slurm refuses to connect (also with "accept-new"). If the cluster's admins confirm the new key, ` +
          `remove the old entry (ssh-keygen -R '${where}' -f ${policy.file}) and trust the new one.`,
        'changed',
        fingerprint,
      );
    }
    case 'revoked':
      throw new HostKeyError(
        `The host key of ${where} (${fingerprint}) is marked @revoked in ${policy.file}:${verdict.entry.line}: refusing to connect.`,
        'revoked',
        fingerprint,
      );
  }
}

/** ssh2 asks for ed25519 first; like OpenSSH, ask first for the key types on record. */
function preferredHostKeyAlgorithms(
  entries: KnownHostEntry[],
  { host, port }: Endpoint,
): AlgorithmList<ServerHostKeyAlgorithm> {
  const algorithms: Record<string, ServerHostKeyAlgorithm[]> = {
    'ssh-ed25519': ['ssh-ed25519'],
    'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
    'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
    'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
    'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  };
  const preferred = knownKeyTypes(entries, host, port).flatMap((type) => algorithms[type] ?? []);
  // ssh2 applies these in key order: remove them, then put them first
  return { remove: preferred, prepend: preferred, append: [] };
}

async function loadKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(expandHome(file), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TransportError(
      `cannot read known_hosts file ${file}: ${(error as Error).message}`,
      'KNOWN_HOSTS_UNREADABLE',
    );
  }
}

async function loadCredentials(conn: SshConnection): Promise<Credentials> {
  const agent = conn.agent ?? process.env.SSH_AUTH_SOCK;
  const offered: string[] = [];
  let privateKey: Buffer | undefined;
  for (const file of conn.identityFiles) {
    let content: Buffer;
    try {
      content = await readFile(expandHome(file));
    } catch (error) {
      offered.push(`${file} (not readable: ${(error as NodeJS.ErrnoException).code})`);
      continue;
    }
    const parsed = utils.parseKey(content);
    if (parsed instanceof Error) {
      if (/passphrase/i.test(parsed.message)) {
        if (agent) {
          offered.push(`${file} (encrypted: left to the ssh-agent)`);
          continue;
        }
        throw new AuthenticationError(
          `The identity file ${file} is encrypted with a passphrase, and nx-slurm does not prompt for passphrases. ` +
            `Load it into ssh-agent (eval "$(ssh-agent)"; ssh-add ${file}) so that SSH_AUTH_SOCK is set, then retry.`,
        );
      }
      throw new AuthenticationError(`The identity file ${file} is not a private key ssh2 can read: ${parsed.message}`);
    }
    privateKey = content;
    offered.push(file);
    break;
  }
  if (agent) offered.push(`ssh-agent at ${agent}`);
  if (!privateKey && !agent) {
    throw new AuthenticationError(
      `No credentials to offer: ${conn.identityFiles.length ? `no identity file is readable (${offered.join(', ')})` : 'no identity file configured'} ` +
        `and no SSH agent (SSH_AUTH_SOCK is not set). Set "identityFile" in the cluster profile or start ssh-agent and ssh-add your key.`,
    );
  }
  return { privateKey, agent, offered };
}

function expandHome(file: string): string {
  return file === '~' ? os.homedir() : file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file;
}

function connectionFailure(
  error: Error & { code?: string; level?: string },
  endpoint: Endpoint,
  credentials: Credentials,
  via?: string,
): TransportError {
  const where = `${endpoint.host}:${endpoint.port}${via ? ` (through ${via})` : ''}`;
  if (error.level === 'client-authentication' || /authentication methods failed/i.test(error.message)) {
    return new AuthenticationError(
      `${endpoint.user}@${where} refused every credential offered: ${credentials.offered.join(', ')}. ` +
        `Check "user" in the cluster profile and that the key is in ~${endpoint.user}/.ssh/authorized_keys on the host; ` +
        `load the right key with ssh-add or set "identityFile" in the cluster profile.`,
      { cause: error },
    );
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new ConnectionError(
        `Cannot connect to ${where}: connection refused. Is sshd running there, and are "host" and "port" of the cluster profile right?`,
        error.code,
        { cause: error },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(
        `Cannot resolve host "${endpoint.host}" (${error.code}). Check "host" in the cluster profile (or HostName in ~/.ssh/config), and your network/VPN.`,
        error.code,
        { cause: error },
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(
        `No route to ${where} (${error.code}). Check "host" and "port", your network/VPN, or whether a "proxyJump" is needed.`,
        error.code,
        { cause: error },
      );
  }
  if (error.level === 'client-timeout') {
    return new ConnectionError(
      `No SSH handshake with ${where} in time: is something other than sshd listening there, or is a firewall dropping packets? Check "host", "port" and "proxyJump".`,
      'ETIMEDOUT',
      { cause: error },
    );
  }
  return new ConnectionError(
    `SSH connection to ${endpoint.user}@${where} failed: ${error.message}`,
    error.code ?? 'CONNECT_FAILED',
    { cause: error },
  );
}

function fileError(
  action: string,
  remotePath: string,
  error: Error & { code?: number | string },
  target: string,
): FileError {
  // SFTP status codes: 2 = no such file, 3 = permission denied
  const code = error.code === 2 ? 'ENOENT' : error.code === 3 ? 'EACCES' : 'EIO';
  return new FileError(`ssh ${target}: cannot ${action} ${remotePath}: ${error.message}`, code, remotePath, {
    cause: error,
  });
}
