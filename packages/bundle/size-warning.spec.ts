import { formatBytes, largeBundleWarning, LARGE_BUNDLE_BYTES } from './size-warning';

describe('largeBundleWarning', () => {
  const MB = 2 ** 20;

  it('says nothing up to the limit', () => {
    expect(largeBundleWarning('project', { fileBytes: LARGE_BUNDLE_BYTES, largest: [], files: [] })).toBeUndefined();
  });

  it('names the largest files and the exclude globs that would leave them out', () => {
    const warning = largeBundleWarning('project experiments/exp', {
      fileBytes: 1100 * MB,
      largest: [
        { path: 'data/weights.bin', bytes: 1024 * MB },
        { path: 'model.ckpt', bytes: 70 * MB },
        { path: 'data/labels.csv', bytes: 5 * MB },
      ],
      files: ['data/weights.bin', 'data/labels.csv', 'model.ckpt', 'train.py'],
    });
    expect(warning).toBe(
      'nx-slurm: project experiments/exp ships 1.1 GB of files (4), more than 100 MB; the largest: ' +
        'data/weights.bin (1.0 GB), model.ckpt (70 MB), data/labels.csv (5.0 MB). If they are data rather than code, ' +
        'leave them out of the bundle with "exclude": ["data/**", "model.ckpt"] in slurm.json (or a .gitignore line) ' +
        "and read them from the cluster's filesystem.",
    );
  });

  it('takes another limit', () => {
    expect(largeBundleWarning('x', { fileBytes: 2 * MB, largest: [], files: [] }, MB)).toContain('more than 1.0 MB');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.5 KB'],
    [200 * 2 ** 20, '200 MB'],
    [2 ** 30, '1.0 GB'],
  ])('%d -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
