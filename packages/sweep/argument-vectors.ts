import type { Matrix, Scalar, SweepConfig } from '../config';
import { splitShellWords } from '../shell';

/** Matrix keys with their values, in the order they are rendered as flags. */
type Point = Map<string, Scalar>;

/**
 * The sweep: index i runs `command` with the i-th vector appended. `args` entries alone, the
 * matrix points alone, or every args entry appended to every point (point-major); with
 * neither, one empty vector. An empty result (everything excluded) is the caller's to report.
 */
export function argumentVectors(config: Pick<SweepConfig, 'args' | 'matrix'>): string[][] {
  // An empty args list adds nothing, rather than multiplying the matrix by zero.
  const entries = config.args?.length ? config.args.map(renderArgsEntry) : [[]];
  const points = config.matrix ? matrixPoints(config.matrix).map(renderFlags) : [[]];
  return points.flatMap((point) => entries.map((entry) => [...point, ...entry]));
}

function renderArgsEntry(entry: string | Record<string, Scalar>): string[] {
  return typeof entry === 'string' ? splitShellWords(entry) : renderFlags(new Map(Object.entries(entry)));
}

/** `--k v` per key; `true` is a bare `--k`, `false` leaves the flag out. */
function renderFlags(flags: Point): string[] {
  return [...flags].flatMap(([key, value]) => {
    if (value === true) return [`--${key}`];
    if (value === false) return [];
    // String(n) prints numbers as JSON does: 0.001, 1e-7, 100.
    return [`--${key}`, String(value)];
  });
}

/**
 * Points of a matrix with GitHub Actions semantics: the cartesian product of the value lists
 * (first key slowest), minus points matching an `exclude` object on all its keys; then each
 * `include` object extends every product point it agrees with on the product's keys
 * (overwriting only values earlier includes added), or, agreeing with none, becomes a new point.
 */
function matrixPoints(matrix: Matrix): Point[] {
  const { include = [], exclude = [] } = matrix;
  const dimensions = Object.entries(matrix).filter(
    (entry): entry is [string, Scalar[]] => entry[0] !== 'include' && entry[0] !== 'exclude',
  );
  // With only `include` there is no product to extend: each include is a point of its own.
  if (dimensions.length === 0)
    return include.length ? include.map((extra) => new Map(Object.entries(extra))) : [new Map()];
  const base = dimensions
    .reduce<Point[]>(
      (points, [key, values]) => points.flatMap((point) => values.map((value) => new Map(point).set(key, value))),
      [new Map()],
    )
    .filter((point) => !exclude.some((pattern) => matchesAll(point, pattern)));
  const originalKeys = new Set(dimensions.map(([key]) => key));
  const added: Point[] = [];
  for (const extra of include) {
    const agrees = (point: Point) =>
      Object.entries(extra).every(([key, value]) => !originalKeys.has(key) || point.get(key) === value);
    const targets = base.filter(agrees);
    for (const point of targets) for (const [key, value] of Object.entries(extra)) point.set(key, value);
    if (targets.length === 0) added.push(new Map(Object.entries(extra)));
  }
  return [...base, ...added];
}

function matchesAll(point: Point, pattern: Record<string, Scalar>): boolean {
  return Object.entries(pattern).every(([key, value]) => point.get(key) === value);
}
