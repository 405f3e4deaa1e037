import { join, posix } from 'node:path';
import { LOCAL_CLUSTER, LOCAL_REMOTE_ROOT, type ResolvedCluster } from '../config';
import { LocalScheduler, SlurmScheduler, type Scheduler } from '../scheduler';
import { LocalTransport, type Transport } from '../transport';
import { connectProfile } from './connect';
import { RemoteLayout } from './remote-layout';
import { markPhase } from './timeline';

/** One open cluster: its transport (one connection), its scheduler and its folder layout. */
export interface Session {
  cluster: ResolvedCluster;
  transport: Transport;
  scheduler: Scheduler;
  layout: RemoteLayout;
  /** Bundle hashes known installed (or being installed) on the cluster during this session. */
  installedBundles: Map<string, Promise<void>>;
}

async function openSession(
  cluster: ResolvedCluster,
  workspaceRoot: string,
  log?: (line: string) => void,
): Promise<Session> {
  const isLocal = cluster.name === LOCAL_CLUSTER;
  const transport = isLocal ? new LocalTransport() : await connectProfile(cluster.profile, log);
  markPhase('connected');
  try {
    // The `local` cluster keeps the cluster layout inside the workspace.
    const root = isLocal
      ? join(workspaceRoot, LOCAL_REMOTE_ROOT)
      : await expandRemoteHome(cluster.profile.remoteRoot, transport);
    const scheduler =
      cluster.scheduler === 'local'
        ? new LocalScheduler(root)
        : new SlurmScheduler(transport, cluster.profile.maxArraySize, cluster.profile.slurmEnv);
    markPhase('session ready');
    return { cluster, transport, scheduler, layout: new RemoteLayout(root), installedBundles: new Map() };
  } catch (error) {
    await transport.close();
    throw error;
  }
}

/** `~` in remoteRoot is the home folder on the cluster (connect.ts expands the local paths). */
async function expandRemoteHome(path: string, transport: Transport): Promise<string> {
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
      markPhase('connection closed');
    }
  }
}
