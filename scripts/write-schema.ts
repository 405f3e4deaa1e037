import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arrayExecutorJsonSchema, sweepJsonSchema } from '../packages/config';

/** Writes the JSON schemas generated from the zod schemas: run from dist/scripts after tsc. */
const repoRoot = join(__dirname, '..', '..');

const outputs: [string, Record<string, unknown>][] = [
  ['slurm.schema.json', sweepJsonSchema()],
  ['packages/nx/executors/array/schema.json', arrayExecutorJsonSchema()],
];

for (const [relativePath, schema] of outputs) {
  const path = join(repoRoot, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${relativePath}`);
}
