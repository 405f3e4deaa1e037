/**
 * OpenSSH known_hosts, as pure functions: parse the file, match a host, verify a key, format a
 * line, fingerprint a key. See sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".
 */
import { createHash, createHmac } from 'node:crypto';
import { matchesHostPatterns } from './host-patterns';
import { DEFAULT_SSH_PORT } from './openssh-defaults';

export interface KnownHostEntry {
  /** `@revoked` keys are refused for the hosts they name; `@cert-authority` lines sign host
   * certificates, which nx-slurm does not use: they never vouch for a plain key. */
  marker?: 'revoked' | 'cert-authority';
  /** The host field: comma-separated patterns (`host`, `[host]:port`, `*`, `!neg`), or one
   * hashed name `|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`. */
  hosts: string;
  keyType: string;
  /** base64 of the key blob, as in the `.pub` file. */
  keyBase64: string;
  /** 1-based line number, for messages. */
  line: number;
}

/** Parses known_hosts text; blank, comment and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!.slice(1);
      if (name !== 'revoked' && name !== 'cert-authority') return;
      marker = name;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+=*$/.test(keyBase64)) return;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, keyBase64, line: index + 1 });
  });
  return entries;
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === DEFAULT_SSH_PORT ? host : `[${host}]:${port}`;
}

function hashedMatch(hashed: string, token: string): boolean {
  const [, magic, salt, hash] = hashed.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64');
  return mac === hash;
}

/** Whether an entry's host field names this host and port (negations win, as in OpenSSH). */
export function entryMatchesHost(entry: Pick<KnownHostEntry, 'hosts'>, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (entry.hosts.startsWith('|')) return hashedMatch(entry.hosts, token);
  return matchesHostPatterns(entry.hosts.split(','), token);
}

export type HostKeyVerdict =
  | { status: 'match'; entry: KnownHostEntry }
  | { status: 'unknown' }
  /** The host is known with other keys: `known` lists them (a possible man-in-the-middle). */
  | { status: 'changed'; known: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry };

/**
 * Verifies the key a server presented (its blob) for host:port. A host known only with keys
 * of other types is `changed` too: we never silently trust a second key for a known host.
 */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, host, port));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.keyBase64 === presented);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.keyBase64 === presented);
  if (match) return { status: 'match', entry: match };
  return plain.length > 0 ? { status: 'changed', known: plain } : { status: 'unknown' };
}

/** Key types known for a host, to ask the server for those first (like OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** The algorithm name inside an SSH key blob (its first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('not an SSH public key blob');
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) throw new Error('not an SSH public key blob');
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of sha256(blob), as `ssh-keygen -l` prints. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The known_hosts line that trusts this key for host:port (plain, not hashed). */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  return `${hostToken(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}
