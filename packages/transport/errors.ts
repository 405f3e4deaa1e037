/**
 * Errors a transport raises, each with a message a user can act on: what failed, where, and
 * what to do about it. Created here and nowhere else.
 */

/** Base class: `code` is stable for programs, `message` is for people. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The host's key is unknown, changed or revoked: the connection was refused before any auth. */
export class HostKeyError extends TransportError {
  constructor(
    message: string,
    readonly reason: 'unknown' | 'changed' | 'revoked',
    /** `SHA256:...` of the key the server presented. */
    readonly fingerprint: string,
  ) {
    super(
      message,
      reason === 'unknown' ? 'HOST_KEY_UNKNOWN' : reason === 'changed' ? 'HOST_KEY_CHANGED' : 'HOST_KEY_REVOKED',
    );
  }
}

/** TCP connection, DNS or SSH handshake failure. */
export class ConnectionError extends TransportError {}

/** The server refused every credential we offered, or we had none to offer. */
export class AuthenticationError extends TransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'AUTH_FAILED', options);
  }
}

/** A file operation failed; `code` is 'ENOENT' for a missing file, as with node's fs. */
export class FileError extends TransportError {
  constructor(
    message: string,
    code: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}
