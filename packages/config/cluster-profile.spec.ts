import { ConfigError } from './config-error';
import { parsePluginOptions } from './parse';

function errorOf(value: unknown): ConfigError {
  try {
    parsePluginOptions(value);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const hpc = {
  host: 'hpc-login',
  user: 'alice',
  port: 22,
  identityFile: '~/.ssh/id_ed25519',
  knownHostsFile: '~/.ssh/known_hosts',
  proxyJump: 'bastion',
  remoteRoot: '~/nx-slurm',
  resources: { partition: 'gpu', account: 'lab' },
  setup: ['module load python/3.11'],
};

describe('parsePluginOptions', () => {
  it('accepts a default cluster with a full profile', () => {
    const options = { defaultCluster: 'hpc', clusters: { hpc } };
    expect(parsePluginOptions(options)).toEqual(options);
  });

  it('treats missing options as none', () => {
    expect(parsePluginOptions(undefined)).toEqual({});
  });

  it('defaults remoteRoot to ~/nx-slurm', () => {
    expect(parsePluginOptions({ clusters: { a: { host: 'h' } } }).clusters?.a.remoteRoot).toBe('~/nx-slurm');
  });

  it('accepts every optional field of a profile', () => {
    const profile = {
      host: 'h',
      transport: 'ssh',
      scheduler: 'local',
      strictHostKeyChecking: 'accept-new',
      maxArraySize: 1001,
      remoteRoot: '/scratch/nx',
    };
    expect(parsePluginOptions({ clusters: { a: profile } }).clusters?.a).toEqual(profile);
  });

  it('needs a host for the ssh transport, and says how to do without', () => {
    expect(errorOf({ clusters: { hpc: { user: 'alice' } } }).message).toBe(
      'nx.json: clusters.hpc.host: expected a host for the ssh transport, found nothing; set "host", or "transport": "local" to run sbatch on this machine',
    );
  });

  it('needs no host with the local transport', () => {
    expect(parsePluginOptions({ clusters: { login: { transport: 'local' } } }).clusters?.login.transport).toBe('local');
  });

  it('reserves the name local', () => {
    const error = errorOf({ clusters: { local: { transport: 'local' } } });
    expect(error).toMatchObject({
      path: 'clusters.local',
      expected: 'a name other than "local"',
      found: 'the key "local"',
    });
    expect(error.message).toContain('"local" is built in');
  });

  it('rejects a defaultCluster that names no cluster', () => {
    expect(errorOf({ defaultCluster: 'gpu', clusters: { hpc } }).message).toBe(
      'nx.json: defaultCluster: expected a known cluster (local, hpc), found "gpu"',
    );
  });

  it('accepts local as defaultCluster without a profile', () => {
    expect(parsePluginOptions({ defaultCluster: 'local' })).toEqual({ defaultCluster: 'local' });
  });

  it.each([
    ['transport', 'sftp', '"ssh" or "local"'],
    ['scheduler', 'pbs', '"slurm" or "local"'],
    ['strictHostKeyChecking', 'no', '"yes" or "accept-new"'],
    ['port', 70000, '65535 or less'],
    ['maxArraySize', 0, '1 or more'],
  ])('validates %s', (field, value, expected) => {
    expect(errorOf({ clusters: { a: { host: 'h', [field]: value } } })).toMatchObject({
      path: `clusters.a.${field}`,
      expected,
    });
  });

  it('suggests the intended profile key', () => {
    expect(errorOf({ clusters: { a: { host: 'h', identityfile: 'x' } } }).message).toContain(
      'did you mean "identityFile"?',
    );
  });

  it('validates profile resources like a sweep does', () => {
    expect(errorOf({ clusters: { a: { host: 'h', resources: { mem: '1GB' } } } }).path).toBe(
      'clusters.a.resources.mem',
    );
  });

  it('rejects cluster names that are awkward on a command line', () => {
    expect(errorOf({ clusters: { 'my cluster': { host: 'h' } } }).path).toBe('clusters["my cluster"]');
  });

  it('uses the file name it is given', () => {
    expect(() => parsePluginOptions({ nope: 1 }, 'workspace/nx.json')).toThrow(/^workspace\/nx\.json: nope: /);
  });
});
