import { arrayExecutorJsonSchema, sweepJsonSchema } from './json-schema';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

/** Every property of every object in the schema, with its path. */
function propertiesOf(schema: unknown, path = ''): [string, JsonSchema][] {
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => {
    if (key !== 'properties') return propertiesOf(value, `${path}/${key}`);
    return Object.entries(value as Record<string, JsonSchema>).flatMap(([name, property]) => [
      [`${path}.${name}`, property] as [string, JsonSchema],
      ...propertiesOf(property, `${path}.${name}`),
    ]);
  });
}

describe('sweepJsonSchema', () => {
  const schema = sweepJsonSchema() as JsonSchema;

  it('is a draft 2020-12 object schema that rejects unknown keys', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['command'],
    });
  });

  it('lists every field of slurm.json', () => {
    expect(Object.keys(schema.properties ?? {})).toEqual([
      '$schema',
      'cluster',
      'jobName',
      'command',
      'args',
      'matrix',
      'libraries',
      'maxConcurrent',
      'resources',
      'env',
      'setup',
      'retries',
      'exclude',
      'include',
    ]);
  });

  it('describes every property, nested ones included', () => {
    const properties = propertiesOf(schema);
    expect(properties.length).toBeGreaterThan(20);
    expect(properties.filter(([, property]) => typeof property.description !== 'string').map(([path]) => path)).toEqual(
      [],
    );
  });

  it('keeps retries optional with its default', () => {
    expect(schema.properties?.retries).toMatchObject({ type: 'integer', minimum: 0, maximum: 10, default: 0 });
  });

  it('carries the validation patterns editors can check', () => {
    expect(schema.properties?.jobName.pattern).toBe('^[A-Za-z0-9._-]{1,64}$');
    const resources = schema.properties?.resources as JsonSchema;
    expect(new RegExp(resources.properties?.mem.pattern as string).test('16g')).toBe(true);
    expect(new RegExp(resources.properties?.time.pattern as string).test('1-12:00:00')).toBe(true);
  });

  it('describes matrix values as non-empty lists beside include and exclude', () => {
    expect(schema.properties?.matrix).toMatchObject({
      type: 'object',
      properties: { include: { type: 'array' }, exclude: { type: 'array' } },
      additionalProperties: { type: 'array', minItems: 1 },
    });
  });
});

describe('arrayExecutorJsonSchema', () => {
  const schema = arrayExecutorJsonSchema() as JsonSchema;

  it('has the shape Nx reads', () => {
    expect(schema).toMatchObject({
      version: 2,
      title: expect.any(String),
      description: expect.any(String),
      type: 'object',
    });
    expect(schema).not.toHaveProperty('$schema');
  });

  it('adds the runtime flags to the sweep fields', () => {
    expect(Object.keys(schema.properties ?? {})).toEqual([
      ...Object.keys(sweepJsonSchema().properties as object),
      'force',
      'dryRun',
      'index',
    ]);
    expect(schema.properties?.force).toEqual({ description: expect.any(String) });
  });

  it('leaves every check to the zod schema, whose messages name project.json, the target and the field', () => {
    expect(schema.additionalProperties).toBe(true);
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      expect([name, Object.keys(property)]).toEqual([name, ['description']]);
  });

  it('requires nothing, since a target may take its sweep from slurm.json', () => {
    expect(schema).not.toHaveProperty('required');
  });
});
