import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join, posix } from 'node:path';
import { mergeConnection, parseSshConfig, type ClusterProfile, type ResolvedCluster } from '../config';
import { LocalScheduler, SlurmScheduler, type Scheduler } from '../scheduler';
import { LocalTransport, ReconnectingTransport, SshTransport, type Transport } from '../transport';
import { RemoteLayout } from './remote-layout';

/** One open cluster: its transport (one connection), its scheduler and its folder layout. */
export interface Session {
  cluster: ResolvedCluster;
  transport: Transport;
  scheduler: Scheduler;
  layout: RemoteLayout;
  /** Bundle hashes known installed (or being installed) on the cluster during this session. */
  installedBundles: Map<string, Promise<void>>;
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
    const root =
      cluster.name === 'local'
        ? localClusterRoot(workspaceRoot)
        : await expandHome(cluster.profile.remoteRoot ?? '~/nx-slurm', transport);
    const scheduler =
      cluster.scheduler === 'local'
        ? new LocalScheduler(root)
        : new SlurmScheduler(transport, cluster.profile.maxArraySize, cluster.profile.slurmEnv);
    return { cluster, transport, scheduler, layout: new RemoteLayout(root), installedBundles: new Map() };
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
  const connect = () =>
    SshTransport.connect(connection, {
      onHostKeyAccepted: (event) =>
        log(
          `nx-slurm: trusted the new host key of ${event.host}:${event.port} (${event.fingerprint}); recorded in ${event.knownHostsFile}`,
        ),
    });
  // a dropped connection is opened again on next use; how long to keep trying is the launch's call
  return new ReconnectingTransport(await connect(), connect);
}

async function expandHome(path: string, transport: Transport): Promise<string> {
  if (path === '~') return transport.home();
  if (path.startsWith('~/')) return posix.join(await transport.home(), path.slice(2));
  return path;
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
