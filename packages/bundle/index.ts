export { listBundleFiles, type ListOptions } from './list-files';
export { createTarball, createTarballFromEntries, type TarEntry, type Tarball } from './tarball';
export { bundleProject, type Bundle } from './bundle';
