import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LedgerFile, type Ledger } from './ledger';

const ledger: Ledger = {
  version: 1,
  entries: {
    fp0: {
      fingerprint: 'fp0',
      argv: ['--lr', '0.1', 'a b', 'ünï'],
      runId: '20261127-211530-4f2a',
      runDir: '/home/alice/nx-slurm/runs/mlp/20261127-211530-4f2a',
      runIndex: 0,
      jobId: '42',
      taskId: 0,
      offset: 0,
      state: 'COMPLETED',
      exitCode: 0,
      node: 'node1',
      start: '2026-11-27T21:15:30Z',
      end: '2026-11-27T21:16:35Z',
      attempts: 1,
    },
  },
};

describe('LedgerFile', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'nx-slurm-ledger-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lives at .nx-slurm/ledger/<cluster>/<jobName>.json in the workspace', () => {
    expect(LedgerFile.at('/ws', 'hpc', 'mlp').path).toBe('/ws/.nx-slurm/ledger/hpc/mlp.json');
  });

  it('reads a missing file as an empty ledger', async () => {
    expect(await LedgerFile.at(root, 'local', 'mlp').read()).toEqual({ version: 1, entries: {} });
  });

  it('reads a corrupt file, or one of another version, as an empty ledger', async () => {
    const file = LedgerFile.at(root, 'local', 'mlp');
    mkdirSync(dirname(file.path), { recursive: true });
    for (const text of ['{"version": 1, "entr', '', '{"version": 2, "entries": {"x": {}}}']) {
      writeFileSync(file.path, text);
      expect(await file.read()).toEqual({ version: 1, entries: {} });
    }
  });

  it('fails on a read error other than a missing or unreadable file', async () => {
    const file = LedgerFile.at(root, 'local', 'mlp');
    mkdirSync(file.path, { recursive: true });
    await expect(file.read()).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('saves, creating its folders, and reads back what it saved', async () => {
    const file = LedgerFile.at(root, 'hpc', 'mlp');
    await file.save(Object.values(ledger.entries));
    expect(await file.read()).toEqual(ledger);
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual(ledger);
  });

  it('saves over what the file holds: other fingerprints kept, the same fingerprint replaced', async () => {
    const file = LedgerFile.at(root, 'hpc', 'mlp');
    const fp0 = ledger.entries.fp0;
    const fp1 = { ...fp0, fingerprint: 'fp1', state: 'FAILED' as const, exitCode: 1 };
    await file.save([fp0, fp1]);

    const fp1Again = { ...fp1, state: 'COMPLETED' as const, exitCode: 0, attempts: 2 };
    await file.save([fp1Again]);

    expect(await file.read()).toEqual({ version: 1, entries: { fp0, fp1: fp1Again } });
  });

  it('saves atomically: no temporary file is left beside the ledger', async () => {
    const file = LedgerFile.at(root, 'hpc', 'mlp');
    await file.save(Object.values(ledger.entries));
    await file.save([{ ...ledger.entries.fp0, fingerprint: 'fp1' }]);
    expect(readdirSync(dirname(file.path))).toEqual(['mlp.json']);
  });

  it('replaces a corrupt ledger on save', async () => {
    const file = LedgerFile.at(root, 'hpc', 'mlp');
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, '{"version": 1, "entr');
    await file.save(Object.values(ledger.entries));
    expect(await file.read()).toEqual(ledger);
  });

  it('reads a ledger of valid JSON but the wrong shape (null, no entries) as an empty ledger', async () => {
    const file = LedgerFile.at(root, 'local', 'mlp');
    mkdirSync(dirname(file.path), { recursive: true });
    for (const text of ['null', '{"version":1}', '[]']) {
      writeFileSync(file.path, text);
      expect(await file.read()).toEqual({ version: 1, entries: {} });
    }
    await file.save([ledger.entries.fp0]);
    expect(Object.keys((await file.read()).entries)).toEqual(['fp0']);
  });

  it('keeps every entry when many saves run at the same time', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ ...ledger.entries.fp0, fingerprint: `fp${i}` }));

    await Promise.all(entries.map((entry) => LedgerFile.at(root, 'local', 'mlp').save([entry])));

    const saved = await LedgerFile.at(root, 'local', 'mlp').read();
    expect(Object.keys(saved.entries).sort()).toEqual(entries.map((e) => e.fingerprint).sort());
    expect(readdirSync(dirname(LedgerFile.at(root, 'local', 'mlp').path))).toEqual(['mlp.json']);
  });
});
