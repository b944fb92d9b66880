import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import {
  appendIndex,
  appendKey,
  formatValidationIssue,
  ProtonValidationIssue,
} from './issues';
import { toJsonSchema } from './jsonSchema';
import type { JsonSchema, ProtonInputsKind, ProtonSchema } from './types';
import { cloneData, isMapping } from './yamlSource';

// One instance for the whole process. `new Ajv()` compiles to functions at run time, which works in
// browsers as well as Node. Patterns are compiled without the `u` flag so that escapes that
// Proton-era templates use (`\/`, `\-`) stay valid. Schemas are removed from ajv's cache after
// compiling: callers keep the compiled functions, and nothing accumulates in a long-running server.
// `verbose` gives each error the schema object it failed, whose description says what is expected.
const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  useDefaults: true,
  strict: false,
  unicodeRegExp: false,
});

const validators = new WeakMap<
  ProtonSchema,
  Map<ProtonInputsKind, ValidateFunction>
>();

/** Compiles a JSON Schema with the shared ajv instance, without keeping it in ajv's cache. */
export function compileJsonSchema(schema: JsonSchema): ValidateFunction {
  const validate = ajv.compile(schema);
  ajv.removeSchema(schema);
  return validate;
}

/** The compiled validator of one kind of inputs of a schema, compiled once per schema object. */
export function inputsValidator(
  schema: ProtonSchema,
  which: ProtonInputsKind,
): ValidateFunction {
  let bySchema = validators.get(schema);
  if (!bySchema) {
    bySchema = new Map();
    validators.set(schema, bySchema);
  }
  let validate = bySchema.get(which);
  if (!validate) {
    validate = compileJsonSchema(toJsonSchema(schema, which));
    bySchema.set(which, validate);
  }
  return validate;
}

/** A key the schema does not declare, with the object holding it (so that it can be removed). */
export interface UndeclaredKey {
  path: string;
  holder: Record<string, unknown>;
  key: string;
}

/** What checking a value against a compiled schema found. */
export interface ValueCheck {
  /** A copy of the value with defaults filled in. */
  value: unknown;
  errors: ProtonValidationIssue[];
  undeclared: UndeclaredKey[];
}

const WITH_ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The first sentence of an input's description (descriptions go on to explain; the first sentence
 * says what the value is), without its final full stop.
 */
function firstSentence(description: unknown): string | undefined {
  if (typeof description !== 'string' || !description.trim()) return undefined;
  const text = description.trim();
  const end = /[.!?](\s+(?=[A-Z])|\s*$)/.exec(text);
  return (end ? text.slice(0, end.index) : text).trim() || undefined;
}

/** What a failed rule means, in words, with the rule itself as a detail where it is not words. */
function describe(error: ErrorObject): { message: string; detail?: string } {
  const params = error.params as Record<string, any>;
  if (error.keyword === 'pattern') {
    const expected = firstSentence(
      (error.parentSchema as { description?: unknown } | undefined)
        ?.description,
    );
    return {
      message: expected
        ? `is not in the expected form: ${expected}`
        : 'is not in the expected form',
      detail: `pattern ${params.pattern}`,
    };
  }
  return { message: describeRule(error) };
}

function describeRule(error: ErrorObject): string {
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type)
        .split(',')
        .map(type => WITH_ARTICLE[type] ?? type)
        .join(' or ')}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[])
        .map(value => JSON.stringify(value))
        .join(', ')}`;
    case 'minLength':
      return `must have at least ${plural(params.limit, 'character')}`;
    case 'maxLength':
      return `must have at most ${plural(params.limit, 'character')}`;
    case 'minItems':
      return `must have at least ${plural(params.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(params.limit, 'item')}`;
    case 'uniqueItems':
      return `must not repeat items (items ${Math.min(
        params.i,
        params.j,
      )} and ${Math.max(params.i, params.j)} are equal)`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/** Turns ajv's JSON pointer into a dotted/bracket path, using the data to tell indexes from keys. */
function pointerToPath(pointer: string, data: unknown, prefix: string) {
  let path = prefix;
  let current: unknown = data;
  let holder: unknown = undefined;
  const segments = pointer
    ? pointer
        .split('/')
        .slice(1)
        .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [];
  for (const segment of segments) {
    holder = current;
    if (Array.isArray(current)) {
      path = appendIndex(path, Number(segment));
      current = current[Number(segment)];
    } else {
      path = appendKey(path, segment);
      current = isMapping(current) ? current[segment] : undefined;
    }
  }
  return { path, current, holder };
}

/**
 * Checks a copy of `data` against a compiled schema, filling in defaults. Paths are prefixed with
 * `prefix` (for example `instances[1].spec`). `additionalProperties` failures are returned apart, as
 * undeclared keys, for the caller's policy to decide.
 */
export function checkValue(
  validate: ValidateFunction,
  data: unknown,
  prefix: string,
): ValueCheck {
  const value = cloneData(data);
  validate(value);
  const errors: ProtonValidationIssue[] = [];
  const undeclared: UndeclaredKey[] = [];
  for (const error of validate.errors ?? []) {
    const at = pointerToPath(error.instancePath, value, prefix);
    const params = error.params as Record<string, any>;
    if (error.keyword === 'required') {
      errors.push({
        path: appendKey(at.path, String(params.missingProperty)),
        message: 'is required',
      });
    } else if (
      error.keyword === 'additionalProperties' &&
      isMapping(at.current)
    ) {
      const key = String(params.additionalProperty);
      undeclared.push({
        path: appendKey(at.path, key),
        holder: at.current,
        key,
      });
    } else {
      errors.push({ path: at.path, ...describe(error) });
    }
  }
  return { value, errors, undeclared };
}

/** Checks a value against a JSON Schema, returning messages with paths relative to the value. */
export function checkAgainst(
  schema: JsonSchema,
  data: unknown,
): ProtonValidationIssue[] {
  const { errors, undeclared } = checkValue(
    compileJsonSchema(schema),
    data,
    '',
  );
  return [
    ...errors,
    ...undeclared.map(({ path }) => ({
      path,
      message: 'is not declared in properties',
    })),
  ].map(issue => ({
    path: issue.path,
    message: formatValidationIssue(issue),
  }));
}
