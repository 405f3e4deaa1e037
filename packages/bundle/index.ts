export { createTarballFromEntries } from './tarball';
export { bundleProject, type Bundle } from './bundle';
