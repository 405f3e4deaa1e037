import type { ClusterProfile } from '../config';
import type { SshHostConfig } from '../transport';
import { mergeConnection } from './connect';

const defaults = { homeDir: '/home/alice', username: 'alice' };
const profile: ClusterProfile = { host: 'hpc', remoteRoot: '~/nx-slurm' };
const noSsh: SshHostConfig = { identityFiles: [] };

describe('mergeConnection', () => {
  it('fills everything from defaults when nothing else says', () => {
    expect(mergeConnection(profile, noSsh, defaults)).toEqual({
      host: 'hpc',
      port: 22,
      user: 'alice',
      identityFiles: [],
      knownHostsFile: '/home/alice/.ssh/known_hosts',
      strictHostKeyChecking: 'yes',
      serverAliveInterval: 15,
    });
  });

  it('takes what ~/.ssh/config says for the host', () => {
    const ssh: SshHostConfig = {
      hostName: 'login.hpc.edu',
      user: 'a123',
      port: 2222,
      identityFiles: ['~/.ssh/id_hpc', '/keys/other'],
      proxyJump: 'bastion',
      userKnownHostsFile: '~/.ssh/hpc_hosts',
      strictHostKeyChecking: 'accept-new',
      serverAliveInterval: 0,
    };
    expect(mergeConnection(profile, ssh, defaults)).toEqual({
      host: 'login.hpc.edu',
      port: 2222,
      user: 'a123',
      identityFiles: ['/home/alice/.ssh/id_hpc', '/keys/other'],
      knownHostsFile: '/home/alice/.ssh/hpc_hosts',
      proxyJump: 'bastion',
      strictHostKeyChecking: 'accept-new',
      serverAliveInterval: 0,
    });
  });

  it('lets profile fields win over ~/.ssh/config', () => {
    const full: ClusterProfile = {
      ...profile,
      user: 'bob',
      port: 2200,
      identityFile: '~/.ssh/id_profile',
      knownHostsFile: '/etc/hosts_known',
      proxyJump: 'jump2',
      strictHostKeyChecking: 'yes',
      serverAliveInterval: 5,
    };
    const ssh: SshHostConfig = {
      user: 'x',
      port: 1,
      identityFiles: ['~/x'],
      proxyJump: 'x',
      userKnownHostsFile: '~/x',
      strictHostKeyChecking: 'accept-new',
      serverAliveInterval: 60,
    };
    expect(mergeConnection(full, ssh, defaults)).toEqual({
      host: 'hpc',
      port: 2200,
      user: 'bob',
      identityFiles: ['/home/alice/.ssh/id_profile'],
      knownHostsFile: '/etc/hosts_known',
      proxyJump: 'jump2',
      strictHostKeyChecking: 'yes',
      serverAliveInterval: 5,
    });
  });

  it.each([
    ['no', 'accept-new'],
    ['off', 'accept-new'],
    ['accept-new', 'accept-new'],
    ['yes', 'yes'],
    ['ask', 'yes'],
  ])('maps StrictHostKeyChecking %s to %s', (sshValue, policy) => {
    expect(
      mergeConnection(profile, { ...noSsh, strictHostKeyChecking: sshValue }, defaults).strictHostKeyChecking,
    ).toBe(policy);
  });

  it('expands a bare ~ and tolerates a trailing slash on the home folder', () => {
    const connection = mergeConnection({ ...profile, identityFile: '~', knownHostsFile: '~/kh' }, noSsh, {
      ...defaults,
      homeDir: '/home/alice/',
    });
    expect(connection).toMatchObject({ identityFiles: ['/home/alice/'], knownHostsFile: '/home/alice/kh' });
  });

  it('leaves ~user and relative paths alone', () => {
    expect(mergeConnection({ ...profile, identityFile: '~bob/key' }, noSsh, defaults).identityFiles).toEqual([
      '~bob/key',
    ]);
  });

  it('needs a host', () => {
    expect(() => mergeConnection({ remoteRoot: '~', transport: 'local' }, noSsh, defaults)).toThrow(
      'needs a profile with a host',
    );
  });
});
