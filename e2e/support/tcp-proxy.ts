/**
 * A TCP forwarder that a test or the benchmark runs in front of the test cluster's sshd. It
 * shapes the link (delay each way, bandwidth per direction), counts what crosses it
 * (connections, bytes, round trips) and injects faults on its own sockets only: cut every
 * connection, or hold all traffic silently as a dead Wi-Fi link does.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface LinkShape {
  /** Added to every chunk in each direction (one-way latency). */
  delayMs?: number;
  /** Cap per direction; unlimited when absent. */
  bitsPerSecond?: number;
}

export interface ProxyCounters {
  connections: number;
  /** Client to server. */
  bytesUp: number;
  /** Server to client. */
  bytesDown: number;
  /** Times a connection's traffic turned from client-to-server to server-to-client. */
  roundTrips: number;
}

type Direction = 'up' | 'down';

interface Pipe {
  client: Socket;
  server: Socket;
  last?: Direction;
  /** When each direction's link is free again (bandwidth). */
  freeAt: Record<Direction, number>;
  /** Chunks in flight per direction, in order, with the time each arrives. */
  inFlight: Record<Direction, { chunk: Buffer; arrivesAt: number }[]>;
  /** Chunks held while the link is silent. */
  held: { direction: Direction; chunk: Buffer }[];
}

export class TcpProxy {
  private readonly pipes = new Set<Pipe>();
  private counts: ProxyCounters = { connections: 0, bytesUp: 0, bytesDown: 0, roundTrips: 0 };
  private silent = false;

  private constructor(
    private readonly server: Server,
    private readonly shape: LinkShape,
  ) {}

  /**
   * Listens on 127.0.0.1 and forwards every connection to `target`. `listenPort` (default: a free
   * one) lets a test bring a link back on the port a closed proxy had, as a restarted service does.
   */
  static async start(target: { host: string; port: number }, shape: LinkShape = {}, listenPort = 0): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, shape);
    server.on('connection', (client) => proxy.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What crossed the proxy since it started or since the last `resetCounters`. */
  counters(): ProxyCounters {
    return { ...this.counts };
  }

  resetCounters(): void {
    this.counts = { connections: 0, bytesUp: 0, bytesDown: 0, roundTrips: 0 };
  }

  /** Connections open now. */
  get openConnections(): number {
    return this.pipes.size;
  }

  /** Resets every open connection, as a dropped link or a restarted NAT does. New ones still pass. */
  cutAll(): void {
    for (const pipe of this.pipes) {
      pipe.client.destroy();
      pipe.server.destroy();
    }
    this.pipes.clear();
  }

  /**
   * Silent: bytes are held, not forwarded and not refused, so only a timeout or keep-alive
   * notices. Turning it off delivers what was held, in order.
   */
  setSilent(silent: boolean): void {
    this.silent = silent;
    if (silent) return;
    for (const pipe of this.pipes) {
      const held = pipe.held.splice(0);
      for (const { direction, chunk } of held) this.forward(pipe, direction, chunk);
    }
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    this.counts.connections += 1;
    const server = connect(target.port, target.host);
    const pipe: Pipe = { client, server, freeAt: { up: 0, down: 0 }, inFlight: { up: [], down: [] }, held: [] };
    this.pipes.add(pipe);
    client.setNoDelay(true);
    server.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.receive(pipe, 'up', chunk));
    server.on('data', (chunk: Buffer) => this.receive(pipe, 'down', chunk));
    const end = () => {
      this.pipes.delete(pipe);
      client.destroy();
      server.destroy();
    };
    for (const socket of [client, server]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  }

  private receive(pipe: Pipe, direction: Direction, chunk: Buffer): void {
    if (direction === 'up') this.counts.bytesUp += chunk.length;
    else this.counts.bytesDown += chunk.length;
    if (direction === 'down' && pipe.last === 'up') this.counts.roundTrips += 1;
    pipe.last = direction;
    if (this.silent) pipe.held.push({ direction, chunk });
    else this.forward(pipe, direction, chunk);
  }

  private forward(pipe: Pipe, direction: Direction, chunk: Buffer): void {
    const to = direction === 'up' ? pipe.server : pipe.client;
    const { delayMs = 0, bitsPerSecond } = this.shape;
    if (delayMs === 0 && !bitsPerSecond) {
      to.write(chunk);
      return;
    }
    // A chunk leaves when the link is free (bandwidth), then travels delayMs. One timer per
    // direction delivers the queue in order: separate timers could fire out of order.
    const now = Date.now();
    const sendMs = bitsPerSecond ? (chunk.length * 8 * 1000) / bitsPerSecond : 0;
    const leaves = Math.max(now, pipe.freeAt[direction]) + sendMs;
    pipe.freeAt[direction] = leaves;
    const queue = pipe.inFlight[direction];
    queue.push({ chunk, arrivesAt: leaves + delayMs });
    if (queue.length === 1) this.deliverLater(queue, to);
  }

  private deliverLater(queue: Pipe['inFlight'][Direction], to: Socket): void {
    setTimeout(
      () => {
        while (queue.length > 0 && queue[0].arrivesAt <= Date.now()) {
          const { chunk } = queue.shift()!;
          if (!to.destroyed) to.write(chunk);
        }
        if (queue.length > 0) this.deliverLater(queue, to);
      },
      Math.max(0, queue[0].arrivesAt - Date.now()),
    );
  }
}
