import type { PathSegment } from './issues';
import {
  PROTON_SCHEMA_TYPES,
  ProtonSchemaObject,
  ProtonSchemaType,
} from './types';
import { isMapping, RawIssue } from './yamlSource';

/** A `$ref` found while reading the types, for the checks that need every type name. */
export interface FoundRef {
  segments: PathSegment[];
  /** The type whose definition contains the reference. */
  owner: string;
  /** The referenced type name. */
  target: string;
}

/** Collects what reading schema objects finds. */
export interface SchemaReadContext {
  errors: RawIssue[];
  warnings: RawIssue[];
  refs: FoundRef[];
  /** The type being read. */
  owner: string;
}

const REF_PATTERN = /^#\/types\/([^/]+)$/;

const COMMON_KEYWORDS = ['type', 'title', 'description', 'default', 'enum'];
const NUMBER_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
];
const KEYWORDS_BY_TYPE: Record<ProtonSchemaType, string[]> = {
  string: ['minLength', 'maxLength', 'pattern'],
  number: NUMBER_KEYWORDS,
  integer: NUMBER_KEYWORDS,
  boolean: [],
  array: ['items', 'minItems', 'maxItems', 'uniqueItems'],
  object: ['properties', 'required'],
};
const SUPPORTED_KEYWORDS = [
  '$ref',
  ...COMMON_KEYWORDS,
  ...new Set(Object.values(KEYWORDS_BY_TYPE).flat()),
];

/** The name a `$ref` points to (`#/types/<name>`), or undefined when it has another form. */
export function refTarget(ref: string): string | undefined {
  return REF_PATTERN.exec(ref)?.[1];
}

function typesUsing(keyword: string): string {
  return PROTON_SCHEMA_TYPES.filter(type =>
    KEYWORDS_BY_TYPE[type].includes(keyword),
  ).join(' and ');
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

class ObjectReader {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly at: PathSegment[],
    private readonly ctx: SchemaReadContext,
  ) {}

  error(key: string | undefined, message: string) {
    const segments = key === undefined ? this.at : [...this.at, key];
    this.ctx.errors.push({ segments, message });
  }

  has(key: string): boolean {
    return Object.hasOwn(this.value, key);
  }

  string(key: string): string | undefined {
    const value = this.value[key];
    if (!this.has(key)) return undefined;
    if (typeof value === 'string') return value;
    this.error(key, 'must be a string');
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.value[key];
    if (!this.has(key)) return undefined;
    if (typeof value === 'boolean') return value;
    this.error(key, 'must be true or false');
    return undefined;
  }

  number(key: string): number | undefined {
    const value = this.value[key];
    if (!this.has(key)) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.error(key, 'must be a number');
    return undefined;
  }

  count(key: string): number | undefined {
    const value = this.value[key];
    if (!this.has(key)) return undefined;
    if (isNonNegativeInteger(value)) return value;
    this.error(key, 'must be a non-negative integer');
    return undefined;
  }

  range(minKey: string, min?: number, maxKey?: string, max?: number) {
    if (min !== undefined && max !== undefined && min > max) {
      this.error(maxKey, `must be greater than or equal to ${minKey} (${min})`);
    }
  }
}

function readEnum(reader: ObjectReader, value: unknown): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    reader.error('enum', 'must be a non-empty list of allowed values');
    return undefined;
  }
  const seen = new Set<string>();
  value.forEach(item => {
    const key = JSON.stringify(item);
    if (seen.has(key)) reader.error('enum', `lists ${key} more than once`);
    seen.add(key);
  });
  return value;
}

function readPattern(reader: ObjectReader): string | undefined {
  const pattern = reader.string('pattern');
  if (pattern === undefined) return undefined;
  try {
    // Patterns are unanchored ECMAScript regular expressions, compiled without the `u` flag like ajv.
    RegExp(pattern);
    return pattern;
  } catch (error) {
    reader.error(
      'pattern',
      `is not a valid regular expression: ${(error as Error).message}`,
    );
    return undefined;
  }
}

function readRequired(
  reader: ObjectReader,
  value: unknown,
  properties: Record<string, ProtonSchemaObject> | undefined,
  declared: boolean,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some(name => typeof name !== 'string')) {
    reader.error('required', 'must be a list of property names');
    return undefined;
  }
  const names = value as string[];
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) {
      reader.error('required', `lists "${name}" more than once`);
    } else if (declared && !(properties && Object.hasOwn(properties, name))) {
      reader.error(
        'required',
        `names "${name}", which is not declared in properties`,
      );
    }
  });
  return names;
}

function readRef(
  reader: ObjectReader,
  value: Record<string, unknown>,
  at: PathSegment[],
  ctx: SchemaReadContext,
): ProtonSchemaObject | undefined {
  for (const key of Object.keys(value)) {
    if (key !== '$ref' && key !== 'title' && key !== 'description') {
      reader.error(
        key,
        'cannot be combined with $ref (only title and description can)',
      );
    }
  }
  const ref = reader.string('$ref');
  const title = reader.string('title');
  const description = reader.string('description');
  if (ref === undefined) return undefined;
  const target = refTarget(ref);
  if (target === undefined) {
    reader.error('$ref', 'must be a reference of the form #/types/<name>');
    return undefined;
  }
  ctx.refs.push({ segments: [...at, '$ref'], owner: ctx.owner, target });
  return { $ref: ref, title, description };
}

/**
 * Reads and checks one Proton schema object (and everything nested in it). Every problem is added to
 * `ctx`; the result is undefined when the object is unusable.
 */
export function readSchemaObject(
  value: unknown,
  at: PathSegment[],
  ctx: SchemaReadContext,
): ProtonSchemaObject | undefined {
  if (!isMapping(value)) {
    ctx.errors.push({
      segments: at,
      message: 'must be a schema object (a mapping with type or $ref)',
    });
    return undefined;
  }
  const reader = new ObjectReader(value, at, ctx);
  const errorCount = ctx.errors.length;
  for (const key of Object.keys(value)) {
    if (key.startsWith('x-')) {
      ctx.warnings.push({
        segments: [...at, key],
        message: 'is an OpenAPI extension, ignored',
      });
    } else if (!SUPPORTED_KEYWORDS.includes(key)) {
      reader.error(
        key,
        `is not a supported keyword (Proton schemas support ${SUPPORTED_KEYWORDS.join(
          ', ',
        )})`,
      );
    }
  }
  if (reader.has('$ref')) {
    return readRef(reader, value, at, ctx);
  }

  const type = value.type;
  if (type === undefined) {
    reader.error(
      'type',
      `is required: one of ${PROTON_SCHEMA_TYPES.join(', ')}`,
    );
  } else if (!PROTON_SCHEMA_TYPES.includes(type as ProtonSchemaType)) {
    reader.error('type', `must be one of ${PROTON_SCHEMA_TYPES.join(', ')}`);
  }
  const knownType = PROTON_SCHEMA_TYPES.includes(type as ProtonSchemaType)
    ? (type as ProtonSchemaType)
    : undefined;
  if (knownType) {
    for (const key of Object.keys(value)) {
      const applies =
        COMMON_KEYWORDS.includes(key) ||
        KEYWORDS_BY_TYPE[knownType].includes(key);
      if (!applies && SUPPORTED_KEYWORDS.includes(key) && key !== '$ref') {
        reader.error(key, `applies only to type ${typesUsing(key)}`);
      }
    }
  }

  const result: ProtonSchemaObject = {
    type: knownType,
    title: reader.string('title'),
    description: reader.string('description'),
    default: value.default,
    enum: readEnum(reader, value.enum),
    minimum: reader.number('minimum'),
    maximum: reader.number('maximum'),
    exclusiveMinimum: reader.boolean('exclusiveMinimum'),
    exclusiveMaximum: reader.boolean('exclusiveMaximum'),
    minLength: reader.count('minLength'),
    maxLength: reader.count('maxLength'),
    pattern: readPattern(reader),
    minItems: reader.count('minItems'),
    maxItems: reader.count('maxItems'),
    uniqueItems: reader.boolean('uniqueItems'),
  };
  reader.range('minimum', result.minimum, 'maximum', result.maximum);
  reader.range('minLength', result.minLength, 'maxLength', result.maxLength);
  reader.range('minItems', result.minItems, 'maxItems', result.maxItems);
  if (result.exclusiveMinimum && result.minimum === undefined) {
    reader.error('exclusiveMinimum', 'requires minimum (OpenAPI 3.0 form)');
  }
  if (result.exclusiveMaximum && result.maximum === undefined) {
    reader.error('exclusiveMaximum', 'requires maximum (OpenAPI 3.0 form)');
  }
  if (
    result.minimum !== undefined &&
    result.minimum === result.maximum &&
    (result.exclusiveMinimum || result.exclusiveMaximum)
  ) {
    reader.error('maximum', 'leaves no allowed value with exclusive bounds');
  }

  if (knownType === 'array') {
    if (reader.has('items')) {
      result.items = readSchemaObject(value.items, [...at, 'items'], ctx);
    } else {
      reader.error('items', 'is required for type array');
    }
  }
  if (reader.has('properties')) {
    if (isMapping(value.properties)) {
      const properties = value.properties;
      result.properties = Object.fromEntries(
        Object.keys(properties).flatMap(name => {
          const property = readSchemaObject(
            properties[name],
            [...at, 'properties', name],
            ctx,
          );
          return property ? [[name, property]] : [];
        }),
      );
    } else {
      reader.error(
        'properties',
        'must be a mapping of property names to schema objects',
      );
    }
  }
  result.required = readRequired(
    reader,
    value.required,
    result.properties,
    reader.has('properties'),
  );

  if (ctx.errors.length > errorCount) {
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(result).filter(([key]) => Object.hasOwn(value, key)),
  ) as ProtonSchemaObject;
}
