/**
 * The messages of every error the SSH adapter raises: what failed, where, and what to do next.
 * The error classes are errors.ts's; the wording lives here so each situation is told once.
 */
import { AuthenticationError, ConnectionError, FileError, HostKeyError, TransportError } from './errors';

/** `user@host:port` of one hop. */
interface Where {
  user: string;
  host: string;
  port: number;
}

export function badProxyJump(spec: string, problem: string): ConnectionError {
  return new ConnectionError(`proxyJump "${spec}": ${problem}`, 'BAD_PROXY_JUMP');
}

export function jumpForwardFailed(hop: Where, target: Where, error: Error): ConnectionError {
  return new ConnectionError(
    `jump host ${hop.user}@${hop.host}:${hop.port} could not reach ${target.host}:${target.port}: ${error.message}. ` +
      'Check that the target is reachable from the jump host and that its sshd allows TCP forwarding.',
    'PROXY_JUMP_FAILED',
  );
}

export function cannotStartConnecting(where: string, error: Error): ConnectionError {
  return new ConnectionError(`cannot connect to ${where}: ${error.message}`, 'CONNECT_FAILED');
}

export function knownHostsUnreadable(file: string, error: Error): TransportError {
  return new TransportError(`cannot read known_hosts file ${file}: ${error.message}`, 'KNOWN_HOSTS_UNREADABLE');
}

export function unknownHostKey(
  host: string,
  port: number,
  where: string,
  keyType: string,
  fingerprint: string,
  knownHostsFile: string,
): HostKeyError {
  return new HostKeyError(
    `The host key of ${where} is not known (${knownHostsFile} has no entry for it).\n` +
      `  ${keyType} key fingerprint: ${fingerprint}\n` +
      `Check this fingerprint with the cluster's admins, then trust it:\n` +
      `  ssh-keyscan -p ${port} ${host} >> ${knownHostsFile}\n` +
      `or let nx-slurm record it on first use: set "strictHostKeyChecking": "accept-new" in the cluster profile.`,
    'unknown',
    fingerprint,
  );
}

export function changedHostKey(
  where: string,
  keyType: string,
  fingerprint: string,
  knownHostsFile: string,
  onRecord: string,
): HostKeyError {
  return new HostKeyError(
    `@@@ WARNING: THE HOST KEY OF ${where} HAS CHANGED @@@\n` +
      `Someone could be intercepting this connection (man-in-the-middle), or the host key was replaced.\n` +
      `  the server now presents: ${keyType} ${fingerprint}\n` +
      `  on record: ${onRecord}\n` +
      `nx-slurm refuses to connect (also with "accept-new"). If the cluster's admins confirm the new key, ` +
      `remove the old entry (ssh-keygen -R '${where}' -f ${knownHostsFile}) and trust the new one.`,
    'changed',
    fingerprint,
  );
}

export function revokedHostKey(where: string, fingerprint: string, knownHostsFile: string, line: number): HostKeyError {
  return new HostKeyError(
    `The host key of ${where} (${fingerprint}) is marked @revoked in ${knownHostsFile}:${line}: refusing to connect.`,
    'revoked',
    fingerprint,
  );
}

export function encryptedIdentityFile(file: string): AuthenticationError {
  return new AuthenticationError(
    `The identity file ${file} is encrypted with a passphrase, and nx-slurm does not prompt for passphrases. ` +
      `Load it into ssh-agent (eval "$(ssh-agent)"; ssh-add ${file}) so that SSH_AUTH_SOCK is set, then retry.`,
  );
}

export function unreadableIdentityFile(file: string, problem: string): AuthenticationError {
  return new AuthenticationError(`The identity file ${file} is not a private key ssh2 can read: ${problem}`);
}

export function noCredentials(identityFiles: readonly string[], offered: readonly string[]): AuthenticationError {
  return new AuthenticationError(
    `No credentials to offer: ${identityFiles.length ? `no identity file is readable (${offered.join(', ')})` : 'no identity file configured'} ` +
      `and no SSH agent (SSH_AUTH_SOCK is not set). Set "identityFile" in the cluster profile or start ssh-agent and ssh-add your key.`,
  );
}

/** Why a handshake failed, from ssh2's error: refused credentials, no route, no sshd... */
export function connectionFailure(
  error: Error & { code?: string; level?: string },
  endpoint: Where,
  offered: readonly string[],
  via?: string,
): TransportError {
  const where = `${endpoint.host}:${endpoint.port}${via ? ` (through ${via})` : ''}`;
  if (error.level === 'client-authentication' || /authentication methods failed/i.test(error.message)) {
    return new AuthenticationError(
      `${endpoint.user}@${where} refused every credential offered: ${offered.join(', ')}. ` +
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

/** `lost`: the connection is gone (CONNECTION_LOST, worth a new connection), not just this command. */
export function execFailed(target: string, program: string, reason: string, lost: boolean): ConnectionError {
  return new ConnectionError(
    `ssh ${target}: cannot run ${program}: ${reason}`,
    lost ? 'CONNECTION_LOST' : 'EXEC_FAILED',
  );
}

export function sftpFailed(target: string, error: Error, lost: boolean): ConnectionError {
  return new ConnectionError(
    `ssh ${target}: cannot open SFTP: ${error.message}`,
    lost ? 'CONNECTION_LOST' : 'SFTP_FAILED',
  );
}

/** A file operation's failure; when the connection went with it (`lost`), that is what it says. */
export function fileError(
  action: string,
  remotePath: string,
  error: Error & { code?: number | string },
  target: string,
  lost: boolean,
): FileError | ConnectionError {
  if (lost)
    return new ConnectionError(
      `ssh ${target}: cannot ${action} ${remotePath}: the connection was lost (${error.message})`,
      'CONNECTION_LOST',
      { cause: error },
    );
  // SFTP status codes: 2 = no such file, 3 = permission denied
  const code = error.code === 2 ? 'ENOENT' : error.code === 3 ? 'EACCES' : 'EIO';
  return new FileError(`ssh ${target}: cannot ${action} ${remotePath}: ${error.message}`, code, remotePath, {
    cause: error,
  });
}
