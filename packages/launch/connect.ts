import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVER_ALIVE_SECONDS, type ClusterProfile } from '../config';
import {
  DEFAULT_KNOWN_HOSTS_FILE,
  DEFAULT_SSH_PORT,
  LocalTransport,
  parseSshConfig,
  ReconnectingTransport,
  SshTransport,
  type SshConnection,
  type SshHostConfig,
  type Transport,
} from '../transport';

export interface LocalDefaults {
  homeDir: string;
  username: string;
}

/**
 * The transport of a profile: this machine, or SSH with the profile's fields first, then
 * ~/.ssh/config for its host, then OpenSSH's defaults (and the agent).
 */
export async function connectProfile(
  profile: ClusterProfile,
  log: (line: string) => void = () => {},
): Promise<Transport> {
  if (profile.transport === 'local') return new LocalTransport();
  const sshConfigText = await readFile(join(homedir(), '.ssh', 'config'), 'utf8').catch(() => '');
  const connection = mergeConnection(profile, parseSshConfig(sshConfigText)(profile.host!), {
    homeDir: homedir(),
    username: userInfo().username,
  });
  const connect = () =>
    SshTransport.connect(connection, {
      onHostKeyAccepted: (event) =>
        log(
          `nx-slurm: trusted the new host key of ${event.host}:${event.port} (${event.fingerprint}); recorded in ${event.knownHostsFile}`,
        ),
    });
  // a dropped connection is opened again on next use; how long to keep trying is the caller's call
  return new ReconnectingTransport(await connect(), connect);
}

/**
 * Profile fields win over ~/.ssh/config, which wins over OpenSSH's defaults. The one place a
 * local `~` is expanded: the transport reads the paths as given.
 */
export function mergeConnection(profile: ClusterProfile, ssh: SshHostConfig, defaults: LocalDefaults): SshConnection {
  if (!profile.host) throw new Error('mergeConnection needs a profile with a host (the ssh transport)');
  const expand = (path: string) => expandHome(path, defaults.homeDir);
  const proxyJump = profile.proxyJump ?? ssh.proxyJump;
  return {
    host: ssh.hostName ?? profile.host,
    port: profile.port ?? ssh.port ?? DEFAULT_SSH_PORT,
    user: profile.user ?? ssh.user ?? defaults.username,
    identityFiles: (profile.identityFile ? [profile.identityFile] : ssh.identityFiles).map(expand),
    knownHostsFile: expand(profile.knownHostsFile ?? ssh.userKnownHostsFile ?? DEFAULT_KNOWN_HOSTS_FILE),
    ...(proxyJump && { proxyJump }),
    strictHostKeyChecking: profile.strictHostKeyChecking ?? hostKeyPolicy(ssh.strictHostKeyChecking),
    serverAliveInterval: profile.serverAliveInterval ?? ssh.serverAliveInterval ?? DEFAULT_SERVER_ALIVE_SECONDS,
  };
}

/**
 * OpenSSH's "no"/"off" would accept even a changed key; nx-slurm never does, so the closest it
 * honours is trust on first use. "ask" cannot prompt here and stays strict.
 */
function hostKeyPolicy(sshValue: string | undefined): SshConnection['strictHostKeyChecking'] {
  return sshValue === 'accept-new' || sshValue === 'no' || sshValue === 'off' ? 'accept-new' : 'yes';
}

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  return path.startsWith('~/') ? `${homeDir.replace(/\/+$/, '')}${path.slice(1)}` : path;
}
