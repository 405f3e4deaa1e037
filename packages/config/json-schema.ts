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
 * schema.json of the `nx-slurm:array` executor, in the form Nx reads (`"version": 2`): each
 * option with its description and nothing Nx would check. Nx validates executor options
 * against this file before the executor runs, and in batch mode a mismatch crashes the batch
 * with a stack trace; the zod schema checks them instead, with messages that name
 * project.json, the target and the field. Nothing is required: a target without `command`
 * takes its sweep from the project's slurm.json.
 */
export function arrayExecutorJsonSchema(): Record<string, unknown> {
  const { description, properties } = z.toJSONSchema(arrayExecutorOptionsSchema, { io: 'input' }) as {
    description?: string;
    properties: Record<string, { description?: string }>;
  };
  return {
    version: 2,
    title: 'nx-slurm array executor',
    description,
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, { description: property.description }]),
    ),
    additionalProperties: true,
  };
}

type JsonSchemaNode = {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
};

/**
 * The README's slurm.json reference, rendered from the same schema: one row per field (nested
 * `resources` fields too), so the docs cannot drift from what the validator accepts.
 */
export function sweepReferenceMarkdown(): string {
  const schema = sweepJsonSchema() as JsonSchemaNode;
  const rows: string[] = [];
  const typeOf = (node: JsonSchemaNode) =>
    node.type === 'array' && node.items?.type ? `${node.items.type}[]` : (node.type ?? 'string | object');
  const visit = (properties: Record<string, JsonSchemaNode>, prefix: string) => {
    for (const [name, node] of Object.entries(properties)) {
      if (name === '$schema') continue;
      rows.push(`| \`${prefix}${name}\` | ${typeOf(node)} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
      if (node.properties && name === 'resources') visit(node.properties, `${prefix}${name}.`);
    }
  };
  visit(schema.properties ?? {}, '');
  return ['| field | type | meaning |', '|---|---|---|', ...rows].join('\n');
}
