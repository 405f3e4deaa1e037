import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server: what the proxy forwards to in these specs. */
async function echoServer(): Promise<Server> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with everything received once `bytes` bytes arrived. */
function receive(socket: Socket, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.length >= bytes) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
  });
}

/** Waits until `condition` holds, checking every few milliseconds, for at most 5 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    echo = await echoServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });
  const target = () => ({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });

  it('forwards both ways and counts connections, bytes and round trips', async () => {
    proxy = await TcpProxy.start(target());
    const socket = await open(proxy.port);
    sockets.push(socket);
    for (const word of ['ping', 'pong']) {
      const echoed = receive(socket, word.length);
      socket.write(word);
      expect(await echoed).toBe(word);
    }
    expect(proxy.counters()).toEqual({ connections: 1, bytesUp: 8, bytesDown: 8, roundTrips: 2 });
    proxy.resetCounters();
    expect(proxy.counters().bytesUp).toBe(0);
  });

  it('keeps the order of many chunks on a shaped link', async () => {
    proxy = await TcpProxy.start(target(), { delayMs: 5, bitsPerSecond: 1_000_000 });
    const socket = await open(proxy.port);
    sockets.push(socket);
    const words = Array.from({ length: 50 }, (_, i) => `<${i}>`);
    const expected = words.join('');
    const echoed = receive(socket, expected.length);
    for (const word of words) socket.write(word);
    expect(await echoed).toBe(expected);
  });

  it('cuts every open connection, and lets new ones through', async () => {
    proxy = await TcpProxy.start(target());
    const socket = await open(proxy.port);
    sockets.push(socket);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await until(() => proxy.openConnections === 1, 'the proxy to accept');
    proxy.cutAll();
    await closed;
    const again = await open(proxy.port);
    sockets.push(again);
    const echoed = receive(again, 2);
    again.write('ok');
    expect(await echoed).toBe('ok');
  });

  it('holds traffic while silent and delivers it in order afterwards', async () => {
    proxy = await TcpProxy.start(target());
    const socket = await open(proxy.port);
    sockets.push(socket);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    proxy.setSilent(true);
    socket.write('held');
    await until(() => proxy.counters().bytesUp === 4, 'the proxy to receive the bytes');
    expect(received).toBe('');
    const echoed = receive(socket, 4);
    proxy.setSilent(false);
    expect(await echoed).toBe('held');
  });

  it('comes back on the port of a closed proxy, refusing connections in between', async () => {
    const first = await TcpProxy.start(target());
    const port = first.port;
    await first.close();
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    proxy = await TcpProxy.start(target(), {}, port);
    expect(proxy.port).toBe(port);
    const socket = await open(port);
    sockets.push(socket);
    const echoed = receive(socket, 4);
    socket.write('back');
    expect(await echoed).toBe('back');
  });
});
