import { ConnectionError } from './errors';
import type { ExecOptions, ExecResult, Transport, TransportStats } from './transport';

/** Connection errors that say something is wrong with the profile, not with the network. */
const NOT_A_LOST_CONNECTION = new Set(['BAD_PROXY_JUMP', 'SFTP_FAILED']);

/** True for a failure that a new connection may not have: the link dropped, or could not be opened. */
export function isConnectionFault(error: unknown): boolean {
  return error instanceof ConnectionError && !NOT_A_LOST_CONNECTION.has(error.code);
}

/**
 * A transport that outlives its connection: after an operation failed because the connection
 * was lost, the next operation opens a new one (once, shared by the operations that wait for
 * it). Nothing is retried here: whether running a command again is safe is the caller's call
 * (sbatch is not idempotent), and so is how long to keep trying (launch/patience.ts).
 */
export class ReconnectingTransport implements Transport {
  readonly kind: Transport['kind'];
  readonly target: string;
  private current: Promise<Transport>;
  private lost = false;
  /** Counts connections opened: a failure on an older one is not news. */
  private generation = 0;
  private closed = false;
  /** What the connections before the current one cost. */
  private readonly earlier: TransportStats = { connections: 0, commands: 0, bytesSent: 0 };
  private latest: Transport;

  constructor(
    first: Transport,
    private readonly connect: () => Promise<Transport>,
  ) {
    this.kind = first.kind;
    this.target = first.target;
    this.latest = first;
    this.current = Promise.resolve(first);
  }

  exec(argv: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.use((transport) => transport.exec(argv, options));
  }

  home(): Promise<string> {
    return this.use((transport) => transport.home());
  }

  writeFile(path: string, data: Buffer | string): Promise<void> {
    return this.use((transport) => transport.writeFile(path, data));
  }

  readFile(path: string, from?: number): Promise<Buffer> {
    return this.use((transport) => transport.readFile(path, from));
  }

  stats(): TransportStats {
    const now = this.latest.stats();
    return {
      connections: this.earlier.connections + now.connections,
      commands: this.earlier.commands + now.commands,
      bytesSent: this.earlier.bytesSent + now.bytesSent,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const transport = await this.current.catch(() => undefined);
    await transport?.close().catch(() => undefined);
  }

  private async use<T>(operation: (transport: Transport) => Promise<T>): Promise<T> {
    if (this.closed) throw new ConnectionError(`${this.target}: the transport is closed`, 'CLOSED');
    if (this.lost) this.reopen();
    const generation = this.generation;
    const transport = await this.current;
    try {
      return await operation(transport);
    } catch (error) {
      // an operation still running on a connection already replaced says nothing of the new one
      if (isConnectionFault(error) && generation === this.generation) this.lost = true;
      throw error;
    }
  }

  private reopen(): void {
    this.lost = false;
    const generation = ++this.generation;
    const dead = this.latest;
    this.current = this.current
      .catch(() => undefined)
      .then(() => dead.close().catch(() => undefined))
      .then(() => this.connect())
      .then((fresh) => {
        const spent = dead.stats();
        this.earlier.connections += spent.connections;
        this.earlier.commands += spent.commands;
        this.earlier.bytesSent += spent.bytesSent;
        this.latest = fresh;
        return fresh;
      });
    // a failed reconnect is the waiting operations' error; the next operation tries again
    this.current.catch(() => {
      if (generation === this.generation) this.lost = true;
    });
  }
}
