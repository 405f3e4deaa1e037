export { listBundleFiles, type ListOptions } from './list-files';
export { createTarball, createTarballFromEntries, type TarEntry, type Tarball } from './tarball';
export { bundleProject, type Bundle, type BundleOptions } from './bundle';
export { BundleCache } from './bundle-cache';
