import { join } from 'node:path';
import { LOCAL_CLUSTER, LOCAL_REMOTE_ROOT, type ResolvedCluster } from '../config';
import { LocalScheduler, SlurmScheduler, type Scheduler } from '../scheduler';
import { LocalTransport, type Transport } from '../transport';
import { connectProfile } from './connect';
import { RemoteLayout } from './remote-layout';
import { resolveRemoteRoot } from './remote-root';
import { removeUploads } from './upload';

/** One open cluster: its transport (one connection), its scheduler and its folder layout. */
export interface Session {
  cluster: ResolvedCluster;
  transport: Transport;
  scheduler: Scheduler;
  layout: RemoteLayout;
  /** Bundle hashes known installed (or being installed) on the cluster during this session. */
  installedBundles: Map<string, Promise<void>>;
  /** Files this session wrote under incoming/ that no remote script has consumed yet (upload.ts). */
  pendingUploads: Set<string>;
  /** Jobs this session submitted or attached to: what keeps running if the user interrupts. */
  jobs: Set<string>;
}

async function openSession(
  cluster: ResolvedCluster,
  workspaceRoot: string,
  log?: (line: string) => void,
): Promise<Session> {
  const isLocal = cluster.name === LOCAL_CLUSTER;
  const transport = isLocal ? new LocalTransport() : await connectProfile(cluster.profile, log);
  try {
    // The `local` cluster keeps the cluster layout inside the workspace.
    const root = isLocal
      ? join(workspaceRoot, LOCAL_REMOTE_ROOT)
      : await resolveRemoteRoot(cluster.profile.remoteRoot, transport, workspaceRoot);
    const scheduler =
      cluster.scheduler === 'local'
        ? new LocalScheduler(root)
        : new SlurmScheduler(transport, cluster.profile.maxArraySize);
    return {
      cluster,
      transport,
      scheduler,
      layout: new RemoteLayout(root),
      installedBundles: new Map(),
      pendingUploads: new Set(),
      jobs: new Set(),
    };
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

  /**
   * After Ctrl-C: removes the partial uploads of every open session (bounded by `deadlineMs`, so
   * a dead link cannot hold the exit) and says what keeps running on each cluster.
   */
  async interrupt(deadlineMs: number): Promise<string> {
    const sessions = (await Promise.allSettled(this.sessions.values()))
      .filter((settled) => settled.status === 'fulfilled')
      .map((settled) => settled.value);
    const cleanup = Promise.allSettled(sessions.map((s) => removeUploads(s, [...s.pendingUploads])));
    await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
    return interruptMessage(sessions);
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

/** What an interrupt leaves behind: running jobs (and how to attach or cancel), or nothing at all. */
export function interruptMessage(sessions: Pick<Session, 'cluster' | 'jobs'>[]): string {
  const running = sessions.filter((s) => s.jobs.size > 0);
  if (running.length === 0)
    return 'nx-slurm: interrupted before anything was submitted: nothing runs on the cluster. Rerun the same command to start again.';
  const where = running.map((s) => `${s.cluster.name} (job ${[...s.jobs].join(', ')})`).join(', ');
  return `nx-slurm: interrupted. The jobs keep running on ${where}: rerun the same command to attach to them, or cancel them with \`nx run <project>:slurm-cancel\`.`;
}
