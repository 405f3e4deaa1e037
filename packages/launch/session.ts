import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { mergeConnection, parseSshConfig, type ClusterProfile, type ResolvedCluster } from '../config';
import { LocalScheduler, SlurmScheduler, type Scheduler } from '../scheduler';
import { LocalTransport, SshTransport, type Transport } from '../transport';
import { ClusterFactsFile } from './cluster-facts';

/** One open cluster: its transport (one connection), its scheduler and where nx-slurm's files live there. */
export interface Session {
  cluster: ResolvedCluster;
  transport: Transport;
  scheduler: Scheduler;
  /** remoteRoot as written (`~/nx-slurm`): remote scripts expand `~` there, so opening asks nothing. */
  remoteRoot: string;
  /** Bundle hashes known installed on the cluster, or being installed by a launch of this session. */
  installedBundles: Map<string, Promise<void>>;
  /** What this workspace learned about the cluster earlier (MaxArraySize). */
  facts: ClusterFactsFile;
}

/** The `local` cluster keeps the cluster layout inside the workspace. */
function localClusterRoot(workspaceRoot: string): string {
  return join(workspaceRoot, '.nx-slurm', 'local');
}

async function openSession(
  cluster: ResolvedCluster,
  workspaceRoot: string,
  log?: (line: string) => void,
): Promise<Session> {
  const transport = cluster.name === 'local' ? new LocalTransport() : await connectProfile(cluster.profile, log);
  try {
    const remoteRoot =
      cluster.name === 'local' ? localClusterRoot(workspaceRoot) : (cluster.profile.remoteRoot ?? '~/nx-slurm');
    const facts = ClusterFactsFile.at(workspaceRoot, cluster.name, transport.target);
    const scheduler =
      cluster.scheduler === 'local'
        ? new LocalScheduler(remoteRoot)
        : new SlurmScheduler(transport, cluster.profile.maxArraySize ?? (await facts.read()).maxArraySize);
    return { cluster, transport, scheduler, remoteRoot, installedBundles: new Map(), facts };
  } catch (error) {
    await transport.close();
    throw error;
  }
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
  return SshTransport.connect(connection, {
    onHostKeyAccepted: (event) =>
      log(
        `nx-slurm: trusted the new host key of ${event.host}:${event.port} (${event.fingerprint}); recorded in ${event.knownHostsFile}`,
      ),
  });
}

/**
 * Sessions opened on first use and shared by every project of one Nx invocation, so several
 * experiments on one cluster go over one connection.
 */
export class SessionPool {
  private readonly sessions = new Map<string, Promise<Session>>();

  /** `report` receives one line per session when it closes: what the invocation cost the cluster. */
  constructor(
    private readonly workspaceRoot: string,
    private readonly report?: (line: string) => void,
  ) {}

  get(cluster: ResolvedCluster): Promise<Session> {
    let session = this.sessions.get(cluster.name);
    if (!session) {
      session = openSession(cluster, this.workspaceRoot, this.report);
      this.sessions.set(cluster.name, session);
    }
    return session;
  }

  async closeAll(): Promise<void> {
    const sessions = await Promise.allSettled(this.sessions.values());
    this.sessions.clear();
    for (const settled of sessions) {
      if (settled.status !== 'fulfilled') continue;
      const { cluster, transport } = settled.value;
      const { connections, commands, bytesSent } = transport.stats();
      this.report?.(
        `nx-slurm: ${cluster.name}: ${connections} connection(s), ${commands} command(s), ${bytesSent} bytes sent`,
      );
      await transport.close();
    }
  }
}
