import { z } from 'zod';
import { arrayExecutorOptionsSchema, sweepConfigSchema } from './sweep-config';

/**
 * JSON Schema of slurm.json, shipped as slurm.schema.json for editor completion. It describes
 * what users write (`io: 'input'`), so fields with defaults such as `retries` stay optional.
 */
export function sweepJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(sweepConfigSchema, { io: 'input' }), title: 'nx-slurm sweep (slurm.json)' };
}

/**
 * schema.json of the `nx-slurm:array` executor, in the form Nx reads (`"version": 2`). Nothing
 * is required there: a target without `command` takes its sweep from the project's slurm.json.
 */
export function arrayExecutorJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, required: _required, ...schema } = z.toJSONSchema(arrayExecutorOptionsSchema, { io: 'input' });
  return { version: 2, title: 'nx-slurm array executor', ...schema };
}
