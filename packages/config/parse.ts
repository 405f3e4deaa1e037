import type { z } from 'zod';
import { configErrorFromZod, ConfigError } from './config-error';
import { findJsonSyntaxError } from './json-syntax';
import { sweepConfigSchema, type SweepConfig } from './sweep-config';
import { pluginOptionsSchema, type PluginOptions } from './cluster-profile';

export function parseSweepConfig(value: unknown, file: string): SweepConfig {
  return parseWith(sweepConfigSchema, value, file);
}

/** Options of the plugin entry in nx.json; a plugin registered without options has none. */
export function parsePluginOptions(value: unknown, file = 'nx.json'): PluginOptions {
  return parseWith(pluginOptionsSchema, value ?? {}, file);
}

/** The text of a slurm.json: JSON syntax errors are reported with line and column. */
export function parseSweepConfigText(text: string, file: string): SweepConfig {
  // Editors on Windows may save a byte order mark, which JSON.parse rejects.
  const json = text.replace(/^\uFEFF/, '');
  const syntaxError = findJsonSyntaxError(json);
  if (syntaxError) {
    const { line, column, expected, found } = syntaxError;
    throw new ConfigError({ file, path: '', expected, found, location: { line, column } });
  }
  return parseSweepConfig(JSON.parse(json), file);
}

function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, file: string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw configErrorFromZod(file, schema, value, result.error);
  return result.data;
}
