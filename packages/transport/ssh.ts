import { randomBytes } from 'node:crypto';
import type { Client, SFTPWrapper } from 'ssh2';
import { shellQuote } from '../shell';
import { outputFrame } from './output-frame';
import { openSshClients, type Endpoint, type SshConnectOptions, type SshConnection } from './ssh-connection';
import { execFailed, fileError, sftpFailed } from './ssh-errors';
import type { ExecOptions, ExecResult, Transport, TransportStats } from './transport';

/**
 * Transport over one SSH connection (ssh2), reused for every command and file operation;
 * through a jump host when `proxyJump` is set (then two connections, see ssh-connection.ts).
 */
export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  readonly target: string;
  private readonly counters: TransportStats;
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;
  /** Separates each command's output from what the login shell prints before it. */
  private readonly frame = outputFrame(randomBytes(8).toString('hex'));

  private constructor(
    private readonly client: Client,
    private readonly jump: Client | undefined,
    endpoint: Endpoint,
  ) {
    this.target = `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
    this.counters = { connections: jump ? 2 : 1, commands: 0, bytesSent: 0 };
    client.on('close', () => (this.closed = true));
  }

  static async connect(conn: SshConnection, options?: SshConnectOptions): Promise<SshTransport> {
    const { client, jump, target } = await openSshClients(conn, options);
    return new SshTransport(client, jump, target);
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = this.frame.command(shellQuote(argv));
    this.counters.commands++;
    const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
    return new Promise((resolve, reject) => {
      const failed = (reason: string) => reject(execFailed(this.target, argv[0], reason));
      try {
        this.client.exec(command, (error, channel) => {
          if (error) return failed(error.message);
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let exit: { code: number | null } | undefined;
          channel.on('data', (chunk: Buffer) => stdout.push(chunk));
          channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          channel.on('exit', (code: number | null) => (exit = { code: typeof code === 'number' ? code : null }));
          channel.on('close', () => {
            if (!exit) return failed('the connection closed before the command ended');
            resolve({
              stdout: this.frame.strip(Buffer.concat(stdout).toString('utf8')),
              stderr: this.frame.strip(Buffer.concat(stderr).toString('utf8')),
              code: exit.code,
            });
          });
          if (stdin) this.counters.bytesSent += stdin.length;
          channel.end(stdin);
        });
      } catch (error) {
        failed(this.closed ? 'the connection is closed' : (error as Error).message);
      }
    });
  }

  async home(): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.realpath('.', (error, absolute) =>
        error ? reject(fileError('resolve the home folder', '.', error, this.target)) : resolve(absolute),
      ),
    );
  }

  async writeFile(remotePath: string, data: Buffer | string): Promise<void> {
    const sftp = await this.sftp();
    const bytes = Buffer.from(data);
    this.counters.bytesSent += bytes.length;
    return new Promise((resolve, reject) =>
      sftp.writeFile(remotePath, bytes, (error) =>
        error ? reject(fileError('write', remotePath, error, this.target)) : resolve(),
      ),
    );
  }

  async readFile(remotePath: string, from = 0): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      sftp
        .createReadStream(remotePath, { start: from })
        .on('data', (chunk: Buffer) => chunks.push(chunk))
        .on('error', (error: Error & { code?: number | string }) =>
          reject(fileError('read', remotePath, error, this.target)),
        )
        .on('end', () => resolve(Buffer.concat(chunks)));
    });
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    const ended = (client: Client) =>
      new Promise<void>((resolve) => {
        client.once('close', () => resolve());
        client.end();
      });
    if (!this.closed) await ended(this.client);
    if (this.jump) await ended(this.jump);
  }

  /** The one SFTP session, opened on first use. */
  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      this.sftpSession = new Promise<SFTPWrapper>((resolve, reject) => {
        try {
          this.client.sftp((error, sftp) => (error ? reject(sftpFailed(this.target, error)) : resolve(sftp)));
        } catch (error) {
          reject(sftpFailed(this.target, error as Error));
        }
      });
      this.sftpSession.catch(() => (this.sftpSession = undefined));
    }
    return this.sftpSession;
  }
}
