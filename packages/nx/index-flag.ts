import { ConfigError } from '../config';
import { compressIndices, parseIndexList } from '../slurm';

/**
 * The indices `--index` names (`1`, `0-2,7`), checked against the sweep's; undefined when the
 * flag is absent. Every executor reads it here, so every target refuses the same way.
 */
export function indicesOfFlag(flag: unknown, jobName: string, count: number): number[] | undefined {
  if (flag === undefined || flag === '') return undefined;
  const has = `${jobName} has ${count === 1 ? 'index 0' : `indices 0-${count - 1}`}`;
  let indices: number[];
  try {
    indices = parseIndexList(String(flag));
  } catch {
    throw new ConfigError({
      file: 'command line',
      path: '--index',
      expected: 'an index or a list like 0-2,7',
      found: JSON.stringify(flag),
      hint: has,
    });
  }
  const missing = indices.filter((index) => index >= count);
  if (missing.length > 0) {
    throw new ConfigError({
      file: 'command line',
      path: '--index',
      expected: 'indices of the sweep',
      found: String(flag),
      hint: `${has}; there is no index ${compressIndices(missing)}`,
    });
  }
  return indices;
}
