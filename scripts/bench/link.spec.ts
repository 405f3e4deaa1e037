import { knownHostsForPorts, parseEnvFile } from './link';

describe('knownHostsForPorts', () => {
  const labFile = [
    '# the test cluster',
    '[127.0.0.1]:2222 ssh-ed25519 AAAAkey1',
    'other.host ssh-rsa AAAAkey2',
    '',
  ].join('\n');

  it("copies the cluster's keys under each proxy port", () => {
    expect(knownHostsForPorts(labFile, '127.0.0.1', 2222, [4001, 4002])).toBe(
      '[127.0.0.1]:4001 ssh-ed25519 AAAAkey1\n[127.0.0.1]:4002 ssh-ed25519 AAAAkey1\n',
    );
  });

  it('says what to do when the cluster has no key there', () => {
    expect(() => knownHostsForPorts(labFile, '127.0.0.1', 2223, [4001])).toThrow(
      /no host key for \[127.0.0.1\]:2223 .*start\.sh/,
    );
  });
});

describe('parseEnvFile', () => {
  it('reads NAME=value lines and ignores the rest', () => {
    expect(parseEnvFile('NX_SLURM_LAB_PORT=2222\n# comment\n\nNX_SLURM_LAB_USER=slurmuser\n')).toEqual({
      NX_SLURM_LAB_PORT: '2222',
      NX_SLURM_LAB_USER: 'slurmuser',
    });
  });
});
