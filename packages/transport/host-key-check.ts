import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { AlgorithmList, ServerHostKeyAlgorithm } from 'ssh2';
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
import { changedHostKey, knownHostsUnreadable, revokedHostKey, unknownHostKey } from './ssh-errors';

export interface HostKeyAcceptedEvent {
  host: string;
  port: number;
  fingerprint: string;
  knownHostsFile: string;
}

/** The known_hosts file of one connection and what to do with a host it does not name. */
export interface HostKeyPolicy {
  entries: KnownHostEntry[];
  file: string;
  /** Trust on first use (`accept-new`): record an unknown host's key instead of refusing it. */
  acceptNew: boolean;
  onAccepted?: (event: HostKeyAcceptedEvent) => void;
}

/** Reads the known_hosts file (a missing one knows no host). */
export async function loadHostKeyPolicy(
  file: string,
  acceptNew: boolean,
  onAccepted?: (event: HostKeyAcceptedEvent) => void,
): Promise<HostKeyPolicy> {
  let entries: KnownHostEntry[];
  try {
    entries = parseKnownHosts(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw knownHostsUnreadable(file, error as Error);
    entries = [];
  }
  return { entries, file, acceptNew, ...(onAccepted && { onAccepted }) };
}

/**
 * true when the key a server presented for host:port is trusted, after recording it under
 * accept-new; throws HostKeyError for an unknown (without accept-new), changed or revoked key.
 */
export function checkHostKey(key: Buffer, host: string, port: number, policy: HostKeyPolicy): boolean {
  const verdict = verifyHostKey(policy.entries, host, port, key);
  const fingerprint = fingerprintSha256(key);
  const where = hostToken(host, port);
  switch (verdict.status) {
    case 'match':
      return true;
    case 'unknown': {
      if (!policy.acceptNew) throw unknownHostKey(host, port, where, keyTypeOf(key), fingerprint, policy.file);
      const line = formatKnownHostsLine(host, port, key);
      mkdirSync(path.dirname(policy.file), { recursive: true, mode: 0o700 });
      appendFileSync(policy.file, `${line}\n`, { mode: 0o600 });
      policy.entries.push(...parseKnownHosts(line));
      policy.onAccepted?.({ host, port, fingerprint, knownHostsFile: policy.file });
      return true;
    }
    case 'changed': {
      const onRecord = verdict.known.map((e) => `${policy.file}:${e.line} (${e.keyType})`).join(', ');
      throw changedHostKey(where, keyTypeOf(key), fingerprint, policy.file, onRecord);
    }
    case 'revoked':
      throw revokedHostKey(where, fingerprint, policy.file, verdict.entry.line);
  }
}

/** ssh2 asks for ed25519 first; like OpenSSH, ask first for the key types on record. */
export function preferredHostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
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
