import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileError, TransportError } from './errors';
import { countBytes } from './count-bytes';
import type { ExecOptions, ExecResult, Transport, TransportStats } from './transport';

/**
 * Transport to this machine (a login node, or the `local` cluster): processes spawned
 * directly, without a shell, and node's fs. Same results and counters as the SSH adapter.
 */
export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly target = 'localhost';
  private readonly counters: TransportStats = { connections: 0, commands: 0, bytesSent: 0 };

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new TransportError('exec: empty argv', 'EXEC_FAILED'));
    this.counters.commands++;
    const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      // a command that exits without reading its stdin closes the pipe: not an error
      child.stdin.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => {
        // like a shell: a missing command is exit code 127, not a transport failure
        if (error.code === 'ENOENT') resolve({ stdout: '', stderr: `${argv[0]}: command not found\n`, code: 127 });
        else
          reject(
            new TransportError(`cannot run ${argv[0]}: ${error.message}`, error.code ?? 'EXEC_FAILED', {
              cause: error,
            }),
          );
      });
      child.on('close', (code) =>
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          code,
        }),
      );
      if (stdin) this.counters.bytesSent += stdin.length;
      child.stdin.end(stdin);
    });
  }

  async home(): Promise<string> {
    return os.homedir();
  }

  async writeFile(path: string, data: Buffer | string | Readable): Promise<void> {
    try {
      if (data instanceof Readable) {
        await pipeline(data, countBytes(this.counters), createWriteStream(path));
      } else {
        const bytes = Buffer.from(data);
        this.counters.bytesSent += bytes.length;
        await writeFile(path, bytes);
      }
    } catch (error) {
      throw fileError('write', path, error as NodeJS.ErrnoException);
    }
  }

  async readFile(path: string, from = 0): Promise<Buffer> {
    try {
      if (from === 0) return await readFile(path);
      const file = await open(path, 'r');
      try {
        const size = (await file.stat()).size;
        const { buffer, bytesRead } = await file.read(
          Buffer.alloc(Math.max(0, size - from)),
          0,
          Math.max(0, size - from),
          from,
        );
        return buffer.subarray(0, bytesRead);
      } finally {
        await file.close();
      }
    } catch (error) {
      throw fileError('read', path, error as NodeJS.ErrnoException);
    }
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {}
}

function fileError(action: string, path: string, error: NodeJS.ErrnoException): FileError {
  return new FileError(`cannot ${action} ${path}: ${error.message}`, error.code ?? 'EIO', path, { cause: error });
}
