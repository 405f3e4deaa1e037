import type { Readable } from 'node:stream';

/** What a command printed and how it ended. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the command was killed by a signal. */
  code: number | null;
}

export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string | Buffer;
}

/** Counters a launch reports (connections opened, commands run, bytes sent). */
export interface TransportStats {
  connections: number;
  commands: number;
  bytesSent: number;
}

/**
 * The one way nx-slurm reaches the machine that runs the scheduler: the cluster's login node
 * over SSH, or this machine. One Transport is one connection, reused for everything.
 */
export interface Transport {
  /** `ssh` or `local`, for messages. */
  readonly kind: 'ssh' | 'local';
  /** Human-readable target (`alice@hpc-login:22`, `localhost`). */
  readonly target: string;
  /**
   * Runs argv[0] with argv[1..] as its arguments. No argument is evaluated by a shell: the SSH
   * adapter single-quotes each word for the remote login shell, the local one spawns directly.
   */
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Absolute path of the remote user's home directory (for `~` in remoteRoot). */
  home(): Promise<string>;
  /**
   * Writes a whole file (creating parent folders is the caller's job). A stream is written as it
   * is read, so a bundle of any size costs the memory of a chunk.
   */
  writeFile(path: string, data: Buffer | string | Readable): Promise<void>;
  /** Reads a file from byte `from` (default 0) to its end; rejects with code 'ENOENT' when it does not exist. */
  readFile(path: string, from?: number): Promise<Buffer>;
  stats(): TransportStats;
  close(): Promise<void>;
}
