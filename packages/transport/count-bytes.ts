import { Transform } from 'node:stream';
import type { TransportStats } from './transport';

/** A pass-through that adds what flows through it to the transport's bytes sent. */
export function countBytes(counters: TransportStats): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counters.bytesSent += chunk.length;
      done(null, chunk);
    },
  });
}
