import {
  entryMatchesHost,
  fingerprintSha256,
  formatKnownHostsLine,
  hostToken,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  verifyHostKey,
} from './known-hosts';

// Fixtures made with OpenSSH 9.2: `ssh-keygen -t ...`, `ssh-keygen -l` and `ssh-keygen -H`.
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIHWoPPz/Ej9ydPbvanqRGQ51jdP2tNpDlZZULSX0PtXP';
const K1_FINGERPRINT = 'SHA256:43z5YoAM9tOAa8hmvPtftkGH5dwCUnstSMcjgvs1Is4';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIEXo/NkZN/SnQ+RJsTPAFOO7gVTKfXvmIX8woRevl9Vm';
const K3 =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFm5LNn9EKADgJkgyAeOt0ajiq/DlPgVszecCG13iMylv2ein+Arl8Vb7qqhgvQKLszWzk/2CV8drOxpMfccJeY=';
const K3_FINGERPRINT = 'SHA256:1iYtstF5aEBugp8rp8FFzVjSZ/BpyjG7KA317mDXgiI';
// `ssh-keygen -H` of "[login.example.org]:2222 <K1>" and "plain.example.org <K1>"
const HASHED_LOGIN_2222 = '|1|3szi1TgU6HU/PK6qA6nadzNLDI4=|aE87Bdue2RLlstHivwrKJYh4rt0=';
const HASHED_PLAIN = '|1|lpkjvb6Men9y5dMeBLa26JY8Bmw=|ULokvQAM2CuwLmvBeUWU4fSkBkw=';
const blob = (b64: string) => Buffer.from(b64, 'base64');

describe('parseKnownHosts', () => {
  it('reads plain, bracketed, comma-listed, hashed and marked lines; skips the rest', () => {
    const text = [
      '# a comment',
      '',
      `hpc-login,10.0.0.5 ssh-ed25519 ${K1} alice@laptop`,
      `[127.0.0.1]:2222 ssh-ed25519 ${K2}`,
      `${HASHED_LOGIN_2222} ssh-ed25519 ${K1}`,
      `@revoked * ssh-ed25519 ${K2}`,
      `@cert-authority *.example.org ecdsa-sha2-nistp256 ${K3}`,
      `@unknown-marker host ssh-ed25519 ${K1}`,
      'truncated-line ssh-ed25519',
      `  indented   ssh-ed25519   ${K1}  `,
    ].join('\r\n');
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.marker ?? '', e.hosts, e.keyType, e.line])).toEqual([
      ['', 'hpc-login,10.0.0.5', 'ssh-ed25519', 3],
      ['', '[127.0.0.1]:2222', 'ssh-ed25519', 4],
      ['', HASHED_LOGIN_2222, 'ssh-ed25519', 5],
      ['revoked', '*', 'ssh-ed25519', 6],
      ['cert-authority', '*.example.org', 'ecdsa-sha2-nistp256', 7],
      ['', 'indented', 'ssh-ed25519', 10],
    ]);
    expect(entries[0].keyBase64).toBe(K1);
  });
});

describe('entryMatchesHost', () => {
  it('uses `host` for port 22 and `[host]:port` otherwise', () => {
    expect(hostToken('hpc', 22)).toBe('hpc');
    expect(hostToken('hpc', 2222)).toBe('[hpc]:2222');
    expect(entryMatchesHost({ hosts: 'hpc' }, 'hpc', 22)).toBe(true);
    expect(entryMatchesHost({ hosts: 'hpc' }, 'hpc', 2222)).toBe(false);
    expect(entryMatchesHost({ hosts: '[hpc]:2222' }, 'hpc', 2222)).toBe(true);
    expect(entryMatchesHost({ hosts: '[hpc]:2222' }, 'hpc', 22)).toBe(false);
  });

  it('matches any name of a comma list, case-insensitively, with wildcards and negations', () => {
    expect(entryMatchesHost({ hosts: 'a,HPC-Login,b' }, 'hpc-login', 22)).toBe(true);
    expect(entryMatchesHost({ hosts: '*.example.org' }, 'login.example.org', 22)).toBe(true);
    expect(entryMatchesHost({ hosts: '*.example.org' }, 'example.org', 22)).toBe(false);
    expect(entryMatchesHost({ hosts: 'node?' }, 'node7', 22)).toBe(true);
    expect(entryMatchesHost({ hosts: '*.example.org,!evil.example.org' }, 'evil.example.org', 22)).toBe(false);
    expect(entryMatchesHost({ hosts: 'a.b' }, 'aXb', 22)).toBe(false);
  });

  it('matches hashed names (HMAC-SHA1) made by ssh-keygen -H, including [host]:port', () => {
    expect(entryMatchesHost({ hosts: HASHED_LOGIN_2222 }, 'login.example.org', 2222)).toBe(true);
    expect(entryMatchesHost({ hosts: HASHED_LOGIN_2222 }, 'login.example.org', 22)).toBe(false);
    expect(entryMatchesHost({ hosts: HASHED_LOGIN_2222 }, 'other.example.org', 2222)).toBe(false);
    expect(entryMatchesHost({ hosts: HASHED_PLAIN }, 'plain.example.org', 22)).toBe(true);
    expect(entryMatchesHost({ hosts: '|1|garbage' }, 'plain.example.org', 22)).toBe(false);
  });
});

describe('verifyHostKey', () => {
  const entries = parseKnownHosts(
    [
      `${HASHED_LOGIN_2222} ssh-ed25519 ${K1}`,
      `[127.0.0.1]:2222 ssh-ed25519 ${K1}`,
      `[revoked.example.org]:2222 ssh-ed25519 ${K2}`,
      `@revoked [revoked.example.org]:2222 ssh-ed25519 ${K2}`,
      `@cert-authority * ecdsa-sha2-nistp256 ${K3}`,
    ].join('\n'),
  );

  it('accepts the recorded key, plain or hashed', () => {
    expect(verifyHostKey(entries, '127.0.0.1', 2222, blob(K1))).toMatchObject({ status: 'match', entry: { line: 2 } });
    expect(verifyHostKey(entries, 'login.example.org', 2222, blob(K1))).toMatchObject({
      status: 'match',
      entry: { line: 1 },
    });
  });

  it('reports an unknown host, also when only a CA line would cover it', () => {
    expect(verifyHostKey(entries, 'new.example.org', 22, blob(K3))).toEqual({ status: 'unknown' });
    expect(verifyHostKey(entries, '127.0.0.1', 22, blob(K1))).toEqual({ status: 'unknown' });
    expect(verifyHostKey([], '127.0.0.1', 2222, blob(K1))).toEqual({ status: 'unknown' });
  });

  it('reports a changed key, of the same or of another type, with the keys on record', () => {
    const sameType = verifyHostKey(entries, '127.0.0.1', 2222, blob(K2));
    expect(sameType).toMatchObject({ status: 'changed', known: [{ line: 2, keyBase64: K1 }] });
    expect(verifyHostKey(entries, 'login.example.org', 2222, blob(K3)).status).toBe('changed');
  });

  it('refuses a revoked key even where a plain line trusts it', () => {
    expect(verifyHostKey(entries, 'revoked.example.org', 2222, blob(K2))).toMatchObject({
      status: 'revoked',
      entry: { line: 4 },
    });
  });

  it('lists the key types known for a host', () => {
    expect(knownKeyTypes(entries, '127.0.0.1', 2222)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes(entries, 'nowhere', 22)).toEqual([]);
  });
});

describe('fingerprints and lines', () => {
  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    expect(fingerprintSha256(blob(K1))).toBe(K1_FINGERPRINT);
    expect(fingerprintSha256(blob(K3))).toBe(K3_FINGERPRINT);
  });

  it('reads the key type from the blob and formats a line that verifies', () => {
    expect(keyTypeOf(blob(K1))).toBe('ssh-ed25519');
    expect(keyTypeOf(blob(K3))).toBe('ecdsa-sha2-nistp256');
    expect(() => keyTypeOf(Buffer.from('xx'))).toThrow('not an SSH public key blob');
    const line = formatKnownHostsLine('127.0.0.1', 2222, blob(K1));
    expect(line).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${K1}`);
    expect(formatKnownHostsLine('hpc', 22, blob(K1))).toBe(`hpc ssh-ed25519 ${K1}`);
    expect(verifyHostKey(parseKnownHosts(line), '127.0.0.1', 2222, blob(K1)).status).toBe('match');
  });
});
