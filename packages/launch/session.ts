import { join } from 'node:path';
import { LOCAL_CLUSTER, LOCAL_REMOTE_ROOT, type ResolvedCluster } from '../config';
import { LocalScheduler, SlurmScheduler, type Scheduler } from '../scheduler';
import { LocalTransport, type Transport } from '../transport';
import { ClusterFactsFile } from './cluster-facts';
import { connectProfile } from './connect';
import { markPhase } from './timeline';

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
    const remoteRoot = isLocal ? join(workspaceRoot, LOCAL_REMOTE_ROOT) : cluster.profile.remoteRoot;
    const facts = ClusterFactsFile.at(workspaceRoot, cluster.name, transport.target);
    const scheduler =
      cluster.scheduler === 'local'
        ? new LocalScheduler(remoteRoot)
        : new SlurmScheduler(transport, cluster.profile.maxArraySize ?? (await facts.read()).maxArraySize);
    markPhase('session ready');
    return { cluster, transport, scheduler, remoteRoot, installedBundles: new Map(), facts };
  } catch (error) {
    await transport.close();
    throw error;
  }
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
