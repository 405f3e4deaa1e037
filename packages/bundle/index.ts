export { createTarballFromEntries } from './tarball';
export { bundleProject, type Bundle } from './bundle';
export { largeBundleWarning } from './size-warning';
