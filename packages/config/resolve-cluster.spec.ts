import type { PluginOptions } from './cluster-profile';
import { ConfigError } from './config-error';
import { resolveCluster } from './resolve-cluster';

const options: PluginOptions = {
  defaultCluster: 'hpc',
  clusters: {
    hpc: { host: 'hpc-login', remoteRoot: '~/nx-slurm' },
    login: { transport: 'local', remoteRoot: '/scratch/nx' },
    box: { host: 'box', scheduler: 'local', remoteRoot: '~/nx' },
  },
};

describe('resolveCluster', () => {
  it('prefers --cluster over everything', () => {
    expect(resolveCluster({ flag: 'box', env: 'login', config: 'hpc' }, options, 'slurm.json').name).toBe('box');
  });

  it('then NX_SLURM_CLUSTER', () => {
    expect(resolveCluster({ env: 'login', config: 'box' }, options, 'slurm.json').name).toBe('login');
  });

  it("then slurm.json's cluster", () => {
    expect(resolveCluster({ config: 'box' }, options, 'slurm.json').name).toBe('box');
  });

  it('then defaultCluster', () => {
    expect(resolveCluster({}, options, 'slurm.json').name).toBe('hpc');
  });

  it('then the built-in local', () => {
    expect(resolveCluster({}, {}, 'slurm.json')).toEqual({
      name: 'local',
      scheduler: 'local',
      transport: 'local',
      profile: { remoteRoot: '.nx-slurm/local', transport: 'local', scheduler: 'local' },
    });
  });

  it('treats empty values as unset', () => {
    expect(resolveCluster({ flag: '', env: '', config: 'box' }, options, 'slurm.json').name).toBe('box');
  });

  it('lets any source pick local over a defaultCluster', () => {
    expect(resolveCluster({ env: 'local' }, options, 'slurm.json').name).toBe('local');
  });

  it('defaults to Slurm over SSH', () => {
    expect(resolveCluster({ flag: 'hpc' }, options, 'slurm.json')).toEqual({
      name: 'hpc',
      scheduler: 'slurm',
      transport: 'ssh',
      profile: options.clusters?.hpc,
    });
  });

  it("honours a profile's transport and scheduler", () => {
    expect(resolveCluster({ flag: 'login' }, options, 'f')).toMatchObject({ transport: 'local', scheduler: 'slurm' });
    expect(resolveCluster({ flag: 'box' }, options, 'f')).toMatchObject({ transport: 'ssh', scheduler: 'local' });
  });

  it('names the source, the known clusters and a close match for an unknown name', () => {
    const error = (() => {
      try {
        return resolveCluster({ flag: 'hcp' }, options, 'slurm.json');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'command line: --cluster: expected a known cluster (local, hpc, login, box), found "hcp"; did you mean "hpc"?',
    );
  });

  it('says how to add a cluster that is not a typo', () => {
    expect(() => resolveCluster({ env: 'frontier' }, options, 'slurm.json')).toThrow(
      'environment: NX_SLURM_CLUSTER: expected a known cluster (local, hpc, login, box), found "frontier"; add it with: nx g nx-slurm:cluster frontier --host <login-node>',
    );
  });

  it('blames slurm.json for its own cluster field', () => {
    expect(() => resolveCluster({ config: 'frontier' }, {}, 'apps/exp/slurm.json')).toThrow(
      /^apps\/exp\/slurm\.json: cluster: expected a known cluster \(local\), found "frontier"/,
    );
  });

  it('blames nx.json for an unknown defaultCluster', () => {
    expect(() => resolveCluster({}, { defaultCluster: 'gone' }, 'slurm.json')).toThrow(/^nx\.json: defaultCluster: /);
  });
});
