import { DEFAULT_SERVER_ALIVE_SECONDS, type ClusterProfile } from './cluster-profile';
import type { SshHostConfig } from './ssh-config';

/** Everything needed to open the SSH connection to a cluster, with every default applied. */
export interface Connection {
  /** The real host name (HostName from ~/.ssh/config when the profile names an alias). */
  host: string;
  port: number;
  user: string;
  /** Private keys to offer, `~` expanded; empty means the SSH agent only. */
  identityFiles: string[];
  knownHostsFile: string;
  proxyJump?: string;
  strictHostKeyChecking: 'yes' | 'accept-new';
  /** Seconds between SSH keep-alives; 0 or absent: none. */
  serverAliveInterval?: number;
}

export interface LocalDefaults {
  homeDir: string;
  username: string;
}

const DEFAULT_SSH_PORT = 22;
const DEFAULT_KNOWN_HOSTS = '~/.ssh/known_hosts';

/** Profile fields win over ~/.ssh/config, which wins over OpenSSH's defaults. */
export function mergeConnection(profile: ClusterProfile, ssh: SshHostConfig, defaults: LocalDefaults): Connection {
  if (!profile.host) throw new Error('mergeConnection needs a profile with a host (the ssh transport)');
  const expand = (path: string) => expandHome(path, defaults.homeDir);
  const proxyJump = profile.proxyJump ?? ssh.proxyJump;
  return {
    host: ssh.hostName ?? profile.host,
    port: profile.port ?? ssh.port ?? DEFAULT_SSH_PORT,
    user: profile.user ?? ssh.user ?? defaults.username,
    identityFiles: (profile.identityFile ? [profile.identityFile] : ssh.identityFiles).map(expand),
    knownHostsFile: expand(profile.knownHostsFile ?? ssh.userKnownHostsFile ?? DEFAULT_KNOWN_HOSTS),
    ...(proxyJump && { proxyJump }),
    strictHostKeyChecking: profile.strictHostKeyChecking ?? hostKeyPolicy(ssh.strictHostKeyChecking),
    // on by default, unlike OpenSSH: a wait must notice a link that died without a word
    serverAliveInterval: profile.serverAliveInterval ?? ssh.serverAliveInterval ?? DEFAULT_SERVER_ALIVE_SECONDS,
  };
}

/**
 * OpenSSH's "no"/"off" would accept even a changed key; nx-slurm never does, so the closest it
 * honours is trust on first use. "ask" cannot prompt here and stays strict.
 */
function hostKeyPolicy(sshValue: string | undefined): Connection['strictHostKeyChecking'] {
  return sshValue === 'accept-new' || sshValue === 'no' || sshValue === 'off' ? 'accept-new' : 'yes';
}

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  return path.startsWith('~/') ? `${homeDir.replace(/\/+$/, '')}${path.slice(1)}` : path;
}
