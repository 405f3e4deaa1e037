export { listBundleFiles, type ListOptions } from './list-files';
export { createTarballFromEntries, type TarEntry, type Tarball } from './tarball';
export { bundleProject, type Bundle } from './bundle';
export { largeBundleWarning } from './size-warning';
