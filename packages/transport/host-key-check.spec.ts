import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyError } from './errors';
import { checkHostKey, loadHostKeyPolicy, type HostKeyAcceptedEvent } from './host-key-check';

// ed25519 public keys made with OpenSSH 9.2 (`ssh-keygen -t ed25519`), as in known-hosts.spec.ts.
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIHWoPPz/Ej9ydPbvanqRGQ51jdP2tNpDlZZULSX0PtXP';
const K1_FINGERPRINT = 'SHA256:43z5YoAM9tOAa8hmvPtftkGH5dwCUnstSMcjgvs1Is4';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIEXo/NkZN/SnQ+RJsTPAFOO7gVTKfXvmIX8woRevl9Vm';
const blob = (b64: string) => Buffer.from(b64, 'base64');

describe('checkHostKey', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-host-key-'));
    // In a folder that does not exist yet: accept-new creates it.
    file = join(dir, 'ssh', 'known_hosts');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const policyWith = async (lines: string[], acceptNew = false, onAccepted?: (e: HostKeyAcceptedEvent) => void) => {
    if (lines.length > 0) {
      mkdirSync(join(dir, 'ssh'));
      writeFileSync(file, `${lines.join('\n')}\n`);
    }
    return loadHostKeyPolicy(file, acceptNew, onAccepted);
  };

  it('trusts a known key', async () => {
    const policy = await policyWith([`[hpc]:2222 ssh-ed25519 ${K1}`]);
    expect(checkHostKey(blob(K1), 'hpc', 2222, policy)).toBe(true);
  });

  it('refuses an unknown host, with its fingerprint and the command that trusts it', async () => {
    const policy = await policyWith([]);
    const check = () => checkHostKey(blob(K1), 'hpc', 2222, policy);
    expect(check).toThrow(HostKeyError);
    expect(check).toThrow(expect.objectContaining({ reason: 'unknown', fingerprint: K1_FINGERPRINT }));
    expect(check).toThrow(`ssh-keyscan -p 2222 hpc >> ${file}`);
  });

  it('under accept-new records an unknown host, tells the caller, then knows it', async () => {
    const accepted: HostKeyAcceptedEvent[] = [];
    const policy = await policyWith([], true, (event) => accepted.push(event));
    expect(checkHostKey(blob(K1), 'hpc', 2222, policy)).toBe(true);
    const line = `[hpc]:2222 ssh-ed25519 ${K1}`;
    expect(readFileSync(file, 'utf8')).toBe(`${line}\n`);
    expect(accepted).toEqual([{ host: 'hpc', port: 2222, fingerprint: K1_FINGERPRINT, knownHostsFile: file }]);
    // The same connection's second hop (or a re-check) finds the key recorded, and still refuses another.
    expect(checkHostKey(blob(K1), 'hpc', 2222, policy)).toBe(true);
    expect(() => checkHostKey(blob(K2), 'hpc', 2222, policy)).toThrow(expect.objectContaining({ reason: 'changed' }));
    expect(accepted).toHaveLength(1);
  });

  it('refuses a changed key even under accept-new, naming the line on record, and writes nothing', async () => {
    const policy = await policyWith(['# hosts', `hpc ssh-ed25519 ${K1}`], true);
    const before = readFileSync(file, 'utf8');
    const check = () => checkHostKey(blob(K2), 'hpc', 22, policy);
    expect(check).toThrow(expect.objectContaining({ reason: 'changed', code: 'HOST_KEY_CHANGED' }));
    expect(check).toThrow(`on record: ${file}:2 (ssh-ed25519)`);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a revoked key although a plain line trusts it', async () => {
    const policy = await policyWith([`hpc ssh-ed25519 ${K1}`, `@revoked * ssh-ed25519 ${K1}`], true);
    const check = () => checkHostKey(blob(K1), 'hpc', 22, policy);
    expect(check).toThrow(expect.objectContaining({ reason: 'revoked', code: 'HOST_KEY_REVOKED' }));
    expect(check).toThrow(`marked @revoked in ${file}:2`);
  });
});

describe('loadHostKeyPolicy', () => {
  it('knows no host when the file does not exist', async () => {
    const policy = await loadHostKeyPolicy(join(tmpdir(), 'nx-slurm-no-such-dir', 'known_hosts'), false);
    expect(policy.entries).toEqual([]);
  });

  it('names the file it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-slurm-host-key-'));
    try {
      // A folder where the file should be: reading it fails with EISDIR, not ENOENT.
      await expect(loadHostKeyPolicy(dir, false)).rejects.toThrow(
        expect.objectContaining({ code: 'KNOWN_HOSTS_UNREADABLE', message: expect.stringContaining(dir) }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
