/**
 * Files that usually hold credentials: a bundle leaves them out unless `include` names them,
 * since a bundle is copied to a shared cluster and kept there (bundles/<sha256>/).
 */
const SECRET_NAMES: RegExp[] = [
  /^\.env(\..*)?$/,
  /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/,
  /\.pem$/,
  /^\.npmrc$/,
  /^\.netrc$/,
  /^\.pypirc$/,
];

/** Whether a file's name (its last path segment) looks like one that holds secrets. */
export function looksSecret(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return SECRET_NAMES.some((pattern) => pattern.test(name));
}
