/** The benchmark's command line: pure. */

export interface BenchOptions {
  /** Rounds of every comparison scenario and repeats of the overhead's short measurements. */
  repeat: number;
  /** One round, figures printed but not written into docs/benchmarks.md. */
  quick: boolean;
  /** Measure against the test cluster (the comparison); false: the local overhead part only. */
  cluster: boolean;
  overhead: boolean;
  /** Leave the temp workspace in place. */
  keep: boolean;
}

export const USAGE = 'npm run bench [-- --quick] [--repeat N] [--no-cluster] [--no-overhead] [--keep]';

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { repeat: 3, quick: false, cluster: true, overhead: true, keep: false };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-cluster') options.cluster = false;
    else if (arg === '--no-overhead') options.overhead = false;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--repeat') {
      const value = Number(argv[++k]);
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`--repeat needs a whole number of at least 1, got ${argv[k] ?? 'nothing'}. Usage: ${USAGE}`);
      options.repeat = value;
    } else throw new Error(`unknown option ${arg}. Usage: ${USAGE}`);
  }
  if (options.quick) options.repeat = 1;
  if (!options.cluster && !options.overhead)
    throw new Error(`--no-cluster with --no-overhead leaves nothing to measure. Usage: ${USAGE}`);
  return options;
}
