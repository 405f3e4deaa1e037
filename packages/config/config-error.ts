import { z } from 'zod';
import { closestName } from './closest-name';

/** One thing wrong in a configuration file. */
export interface ConfigIssue {
  /** Field path like `matrix.learning_rate[2]`; empty for the whole document. */
  path: string;
  expected: string;
  /** The value found, as JSON and shortened, or `nothing` when the field is missing. */
  found: string;
  /** What to do, when it is obvious. */
  hint?: string;
  /** Where in the text, for syntax errors. */
  location?: { line: number; column: number };
}

/** One issue, or several of the same file (each becomes a line of the message). */
export type ConfigErrorDetails =
  ({ file: string } & ConfigIssue) | { file: string; issues: [ConfigIssue, ...ConfigIssue[]] };

/** A configuration the user must fix: names the file, the field, what was expected and found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly issues: [ConfigIssue, ...ConfigIssue[]];
  /** The first issue's path, expected and found; `issues` has them all. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;

  constructor(details: ConfigErrorDetails) {
    const { file, ...rest } = details;
    const issues = 'issues' in rest ? rest.issues : ([rest] as [ConfigIssue]);
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
    this.file = file;
    this.issues = issues;
    ({ path: this.path, expected: this.expected, found: this.found } = issues[0]);
  }
}

function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.location ? `${file}:${issue.location.line}:${issue.location.column}` : file;
  const prefix = issue.path ? `${where}: ${issue.path}` : where;
  const hint = issue.hint ? `; ${issue.hint}` : '';
  return `${prefix}: expected ${issue.expected}, found ${issue.found}${hint}`;
}

const FOUND_MAX_LENGTH = 60;

/** A value as the user wrote it: JSON, cut to a readable length. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > FOUND_MAX_LENGTH ? `${json.slice(0, FOUND_MAX_LENGTH - 1)}…` : json;
}

/** `matrix.learning_rate[2]`, with keys that are not identifiers quoted: `env["my-var"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return text ? `${text}.${name}` : name;
    return `${text}[${JSON.stringify(name)}]`;
  }, '');
}

/** Turns a failed zod parse into one ConfigError; `input` is what was parsed, for the `found` values. */
export function configErrorFromZod(file: string, schema: z.ZodType, input: unknown, error: z.ZodError): ConfigError {
  const issues = error.issues.flatMap((issue) => toConfigIssues(issue, [], schema, input));
  return new ConfigError({ file, issues: issues as [ConfigIssue, ...ConfigIssue[]] });
}

type ZodIssue = z.core.$ZodIssue;

function toConfigIssues(issue: ZodIssue, base: PropertyKey[], schema: z.ZodType, input: unknown): ConfigIssue[] {
  const path = [...base, ...issue.path];
  const found = describeFound(valueAt(input, path));
  switch (issue.code) {
    case 'invalid_union': {
      // Branches whose type matched the value explain the real problem; report the first of them.
      const matched = issue.errors.find((branch) => !branch.every(isTypeMismatchAtRoot));
      if (matched) return matched.flatMap((branchIssue) => toConfigIssues(branchIssue, path, schema, input));
      const types = issue.errors.flatMap((branch) =>
        branch.map((branchIssue) => (branchIssue as z.core.$ZodIssueInvalidType).expected),
      );
      return [{ path: formatPath(path), expected: typeList(types), found }];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) => {
        const suggestion = closestName(key, known);
        return {
          path: formatPath([...path, key]),
          expected: known.length ? `one of the keys ${known.join(', ')}` : 'no key here',
          found: 'an unknown key',
          ...(suggestion && { hint: `did you mean "${suggestion}"?` }),
        };
      });
    }
    case 'invalid_key': {
      const [reason] = issue.issues;
      return [
        {
          path: formatPath(path),
          expected: expectation(reason),
          found: `the key ${JSON.stringify(String(path.at(-1)))}`,
          ...hintOf(reason),
        },
      ];
    }
    default:
      return [{ path: formatPath(path), expected: expectation(issue), found, ...hintOf(issue) }];
  }
}

function isTypeMismatchAtRoot(issue: ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

/** The "expected ..." phrase; messages written in our schemas already are such phrases. */
function expectation(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeList([issue.expected]);
    case 'too_small':
      return sizePhrase(issue.origin, 'at least', Number(issue.minimum), issue.message);
    case 'too_big':
      return sizePhrase(issue.origin, 'at most', Number(issue.maximum), issue.message);
    case 'invalid_value':
      return alternatives(issue.values.map((value) => JSON.stringify(value)));
    default:
      return issue.message;
  }
}

function sizePhrase(origin: string, bound: 'at least' | 'at most', limit: number, message: string): string {
  // A message set in the schema (`.min(1, 'a non-empty command')`) says it better than we can.
  if (!/^Too (small|big)/.test(message)) return message;
  if (origin === 'string')
    return limit === 1 && bound === 'at least' ? 'a non-empty string' : `${bound} ${limit} characters`;
  if (origin === 'array') return limit === 1 && bound === 'at least' ? 'a non-empty list' : `${bound} ${limit} items`;
  return bound === 'at least' ? `${limit} or more` : `${limit} or less`;
}

const TYPE_NAMES: Record<string, string> = { int: 'integer', record: 'object' };

/** `a number`, `an integer`, `a number, string or boolean`. */
function typeList(types: readonly string[]): string {
  const names = [...new Set(types.map((type) => TYPE_NAMES[type] ?? type))];
  const list = alternatives(names);
  return `${/^[aeiou]/.test(list) ? 'an' : 'a'} ${list}`;
}

function alternatives(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? 'nothing');
}

function hintOf(issue: ZodIssue): { hint?: string } {
  const hint = issue.code === 'custom' ? issue.params?.hint : undefined;
  return typeof hint === 'string' ? { hint } : {};
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Keys of the strict object at `path` in `schema`, for "did you mean". */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) current = current && childSchema(current, key);
  const target = current && unwrap(current);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return (inner.shape as Record<PropertyKey, z.ZodType>)[key] ?? inner.def.catchall;
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  if (inner instanceof z.ZodArray) return inner.element as z.ZodType;
  if (inner instanceof z.ZodUnion) {
    return (inner.options as z.ZodType[]).map((option) => childSchema(option, key)).find(Boolean);
  }
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}
