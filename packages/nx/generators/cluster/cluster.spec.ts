import { homedir } from 'node:os';
import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { ClusterProfile } from '../../../config';
import type { ExecResult, Transport } from '../../../transport';
import type { ClusterCheckDeps } from '../../../launch';
import { clusterGenerator } from './cluster';

function pluginEntry(tree: Tree) {
  return (readNxJson(tree)?.plugins ?? []).filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-slurm');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the spec walks nx.json's untyped plugin options
function pluginOptions(tree: Tree): Record<string, any> {
  const [entry] = pluginEntry(tree);
  return typeof entry === 'object' ? (entry.options as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A transport whose Slurm answers like a small healthy cluster. */
function fakeTransport(overrides: Record<string, Partial<ExecResult>> = {}): Transport {
  const answers: Record<string, Partial<ExecResult>> = {
    sbatch: { stdout: 'slurm 23.11.4\n' },
    sinfo: { stdout: 'debug*|up|1:00:00|2\n' },
    scontrol: { stdout: 'MaxArraySize = 10001\nMinJobAge = 300 sec\n' },
    sacct: {},
    ...overrides,
  };
  return {
    kind: 'ssh',
    target: 'alice@hpc-login:22',
    exec: async (argv) => ({ stdout: '', stderr: '', code: 0, ...answers[argv[0]] }),
    home: async () => '/home/alice',
    writeFile: async () => undefined,
    readFile: async () => Buffer.from(''),
    stats: () => ({ connections: 1, commands: 0, bytesSent: 0 }),
    close: async () => undefined,
  };
}

function fakeDeps(transport: () => Promise<Transport>) {
  const lines: string[] = [];
  const profiles: ClusterProfile[] = [];
  const deps: ClusterCheckDeps = {
    connect: async (profile) => {
      profiles.push(profile);
      return transport();
    },
    log: (line) => lines.push(line),
  };
  return { deps, lines, profiles };
}

describe('cluster generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin and writes the profile with only the fields given', async () => {
    await clusterGenerator(tree, {
      name: 'hpc',
      host: 'hpc-login',
      user: 'alice',
      port: 2222,
      identityFile: '~/.ssh/id_ed25519',
      knownHostsFile: '~/.ssh/known_hosts',
      remoteRoot: '~/scratch/nx-slurm',
      partition: 'gpu',
      account: 'lab',
      skipFormat: true,
    });

    expect(pluginEntry(tree)).toHaveLength(1);
    expect(pluginOptions(tree)).toEqual({
      clusters: {
        hpc: {
          host: 'hpc-login',
          user: 'alice',
          port: 2222,
          identityFile: '~/.ssh/id_ed25519',
          knownHostsFile: '~/.ssh/known_hosts',
          remoteRoot: '~/scratch/nx-slurm',
          resources: { partition: 'gpu', account: 'lab' },
        },
      },
    });
    expect(tree.read('.gitignore', 'utf8')).toContain('.nx-slurm/');
  });

  it('updates a profile field by field, idempotently, keeping the others and other clusters', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', user: 'alice', partition: 'gpu', skipFormat: true });
    await clusterGenerator(tree, { name: 'other', host: 'other-login', skipFormat: true });
    await clusterGenerator(tree, {
      name: 'hpc',
      account: 'lab',
      acceptNewHostKey: true,
      default: true,
      skipFormat: true,
    });
    const once = tree.read('nx.json', 'utf8');
    await clusterGenerator(tree, {
      name: 'hpc',
      account: 'lab',
      acceptNewHostKey: true,
      default: true,
      skipFormat: true,
    });

    expect(tree.read('nx.json', 'utf8')).toBe(once);
    expect(pluginOptions(tree)).toEqual({
      clusters: {
        hpc: {
          host: 'hpc-login',
          user: 'alice',
          resources: { partition: 'gpu', account: 'lab' },
          strictHostKeyChecking: 'accept-new',
        },
        other: { host: 'other-login' },
      },
      defaultCluster: 'hpc',
    });
  });

  it('keeps hand-written profile fields it has no option for', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true });
    const nxJson = readNxJson(tree)!;
    const entry = nxJson.plugins!.find((p) => typeof p === 'object' && p.plugin === 'nx-slurm') as {
      options: { clusters: Record<string, { setup?: string[] }> };
    };
    entry.options.clusters.hpc.setup = ['module load python/3.11'];
    tree.write('nx.json', JSON.stringify(nxJson));

    await clusterGenerator(tree, { name: 'hpc', user: 'bob', skipFormat: true });

    expect(pluginOptions(tree).clusters.hpc).toEqual({
      host: 'hpc-login',
      setup: ['module load python/3.11'],
      user: 'bob',
    });
  });

  it('treats an empty prompt answer as "keep", and --accept-new-host-key=false as strict again', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', acceptNewHostKey: true, skipFormat: true });
    await clusterGenerator(tree, { name: 'hpc', host: '', acceptNewHostKey: false, skipFormat: true });

    expect(pluginOptions(tree).clusters.hpc).toEqual({ host: 'hpc-login' });
  });

  it('turns a bare "nx-slurm" entry into one with options, in place', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['@nx/js', 'nx-slurm'];
    tree.write('nx.json', JSON.stringify(nxJson));

    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true });

    const plugins = readNxJson(tree)!.plugins!;
    expect(plugins).toEqual(['@nx/js', { plugin: 'nx-slurm', options: { clusters: { hpc: { host: 'hpc-login' } } } }]);
  });

  it('writes a login-node profile without a host', async () => {
    await clusterGenerator(tree, { name: 'here', transport: 'local', skipFormat: true });

    expect(pluginOptions(tree).clusters.here).toEqual({ transport: 'local' });
  });

  it('refuses the reserved name "local"', async () => {
    await expect(clusterGenerator(tree, { name: 'local', host: 'x', skipFormat: true })).rejects.toThrow(
      /"local" is built in .* pick another name/,
    );
  });

  it('refuses a name that is not a valid cluster name', async () => {
    await expect(clusterGenerator(tree, { name: 'my hpc', host: 'x', skipFormat: true })).rejects.toThrow(
      /Invalid cluster name "my hpc"/,
    );
  });

  it('names the field and its flag of an invalid profile, and leaves nx.json alone', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true });
    const before = tree.read('nx.json', 'utf8');

    await expect(
      clusterGenerator(tree, { name: 'hpc', port: 70000, partition: 'my gpu', skipFormat: true }),
    ).rejects.toThrow(
      /nx\.json was not changed:\n {2}nx\.json: clusters\.hpc\.port \(--port\): expected 65535 or less, found 70000\n.*clusters\.hpc\.resources\.partition \(--partition\): expected a partition name without spaces/,
    );
    expect(tree.read('nx.json', 'utf8')).toBe(before);
  });

  it('asks for a host when a new ssh profile has none', async () => {
    await expect(clusterGenerator(tree, { name: 'my-hpc', skipFormat: true })).rejects.toThrow(
      /clusters\["my-hpc"\]\.host \(--host\): expected a host for the ssh transport, found nothing/,
    );
  });

  it('warns when --remote-root looks like the local home a shell put in place of ~, and writes it as given', async () => {
    const { deps, lines } = fakeDeps(async () => fakeTransport());
    const local = `${homedir()}/nx-slurm`;

    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', remoteRoot: local, skipFormat: true }, deps);

    expect(lines).toEqual([expect.stringContaining(`--remote-root ${local} looks like a folder of this machine`)]);
    expect(pluginEntry(tree)[0]).toMatchObject({ options: { clusters: { hpc: { remoteRoot: local } } } });
  });

  it('connects only with --check, after nx.json is written (in the returned callback)', async () => {
    const { deps, lines, profiles } = fakeDeps(async () => fakeTransport());

    expect(await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true }, deps)).toBeUndefined();
    const callback = await clusterGenerator(
      tree,
      { name: 'hpc', partition: 'debug', check: true, skipFormat: true },
      deps,
    );
    expect(profiles).toHaveLength(0);

    await callback!();

    expect(profiles).toEqual([{ host: 'hpc-login', remoteRoot: '~/nx-slurm', resources: { partition: 'debug' } }]);
    expect(lines.join('\n')).toMatch(/Slurm +23\.11\.4/);
    expect(lines.join('\n')).toMatch(/MaxArraySize +10001/);
    expect(lines.join('\n')).toMatch(/sacct +works/);
    expect(lines.join('\n')).toMatch(/Ready: .*--cluster hpc/);
  });

  it('throws from --check when the cluster cannot run sweeps, saying the profile stays written', async () => {
    const { deps, lines } = fakeDeps(async () =>
      fakeTransport({ sbatch: { stderr: 'bash: sbatch: command not found', code: 127 } }),
    );
    const callback = await clusterGenerator(
      tree,
      { name: 'hpc', host: 'hpc-login', check: true, skipFormat: true },
      deps,
    );

    await expect(callback!()).rejects.toThrow(/check of cluster "hpc" failed\. The profile is written in nx\.json/);
    expect(lines.join('\n')).toMatch(/ERROR: sbatch is not on the PATH/);
    expect(pluginOptions(tree).clusters.hpc).toEqual({ host: 'hpc-login' });
  });
});
