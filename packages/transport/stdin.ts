import type { Writable } from 'node:stream';
import type { ExecOptions } from './transport';

/**
 * Writes a command's stdin, honouring back-pressure, then closes it. A stream of chunks is
 * written as it is produced, so the command reads the first bytes while later ones are still
 * being made; it stops when the command's input closes (the command ended early). Resolves with
 * the error that stopped the stream, if one did: the command saw its stdin end there.
 */
export async function feedStdin(
  input: Writable,
  stdin: ExecOptions['stdin'],
  sent: (bytes: number) => void,
): Promise<Error | undefined> {
  if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    const bytes = stdin === undefined ? undefined : Buffer.from(stdin);
    if (bytes) sent(bytes.length);
    input.end(bytes);
    return undefined;
  }
  let open = true;
  const closed = new Promise<void>((resolve) => input.once('close', resolve)).then(() => (open = false));
  try {
    for await (const chunk of stdin) {
      if (!open) break;
      sent(chunk.length);
      if (!input.write(chunk)) await Promise.race([new Promise((resolve) => input.once('drain', resolve)), closed]);
    }
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    if (open) input.end();
  }
}
