export { argumentVectors } from './argument-vectors';
export { fingerprint } from './fingerprint';
