import { AuthenticationError, ConnectionError } from './errors';
import { ReconnectingTransport } from './reconnecting';
import type { ExecResult, Transport } from './transport';

/** One connection: answers commands until the test drops it. */
class FakeConnection implements Transport {
  readonly kind = 'ssh' as const;
  readonly target = 'alice@hpc:22';
  dropped = false;
  closed = false;
  commands = 0;

  constructor(readonly id: number) {}

  async exec(argv: string[]): Promise<ExecResult> {
    if (this.dropped) throw new ConnectionError(`cannot run ${argv[0]}: the connection is closed`, 'CONNECTION_LOST');
    this.commands++;
    return { stdout: `${this.id}:${argv.join(' ')}`, stderr: '', code: 0 };
  }
  async home() {
    return '/home/alice';
  }
  async writeFile() {}
  async readFile(): Promise<Buffer> {
    return Buffer.from(String(this.id));
  }
  stats() {
    return { connections: 1, commands: this.commands, bytesSent: 0 };
  }
  async close() {
    this.closed = true;
  }
}

function reconnecting(connect: () => Promise<FakeConnection>) {
  const opened: FakeConnection[] = [new FakeConnection(0)];
  const transport = new ReconnectingTransport(opened[0], async () => {
    const connection = await connect();
    opened.push(connection);
    return connection;
  });
  return { transport, opened };
}

describe('ReconnectingTransport', () => {
  it('reports a lost connection once, then runs the next operation on a new one', async () => {
    let next = 1;
    const { transport, opened } = reconnecting(async () => new FakeConnection(next++));
    expect((await transport.exec(['squeue'])).stdout).toBe('0:squeue');
    opened[0].dropped = true;
    await expect(transport.exec(['squeue'])).rejects.toBeInstanceOf(ConnectionError);
    expect((await transport.exec(['squeue'])).stdout).toBe('1:squeue');
    expect(opened[0].closed).toBe(true);
    expect(transport.stats()).toEqual({ connections: 2, commands: 2, bytesSent: 0 });
  });

  it('opens one connection for the operations that were waiting for it', async () => {
    let next = 1;
    const { transport, opened } = reconnecting(async () => new FakeConnection(next++));
    opened[0].dropped = true;
    await Promise.allSettled([transport.exec(['a']), transport.exec(['b'])]);
    const [command, file] = await Promise.all([transport.exec(['c']), transport.readFile('/x')]);
    expect([command.stdout, file.toString()]).toEqual(['1:c', '1']);
    expect(opened).toHaveLength(2);
  });

  it('keeps trying on later operations when reconnecting fails', async () => {
    let refuse = true;
    const { transport, opened } = reconnecting(async () => {
      if (refuse) throw new ConnectionError('Cannot connect to hpc:22: connection refused.', 'ECONNREFUSED');
      return new FakeConnection(opened.length);
    });
    opened[0].dropped = true;
    await expect(transport.exec(['a'])).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await expect(transport.exec(['a'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(transport.exec(['a'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    refuse = false;
    expect((await transport.exec(['a'])).stdout).toBe('1:a');
  });

  it('does not reconnect for other failures', async () => {
    const connect = jest.fn();
    const transport = new ReconnectingTransport(new FakeConnection(0), connect);
    jest.spyOn(FakeConnection.prototype, 'exec').mockRejectedValueOnce(new AuthenticationError('refused'));
    await expect(transport.exec(['a'])).rejects.toBeInstanceOf(AuthenticationError);
    await transport.exec(['a']);
    expect(connect).not.toHaveBeenCalled();
  });

  it('refuses operations after close', async () => {
    const { transport, opened } = reconnecting(async () => new FakeConnection(1));
    await transport.close();
    expect(opened[0].closed).toBe(true);
    await expect(transport.exec(['a'])).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
