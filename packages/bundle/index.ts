export { createTarballFromEntries } from './tarball';
export { bundleProject, type Bundle } from './bundle';
export { BundleCache } from './bundle-cache';
