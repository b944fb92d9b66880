import { getShape, ProtonShape } from '../model/protonApiModel';
import { ProtonApiError } from './errors';

const MAX_REPORTED_ERRORS = 10;

function describeValue(value: unknown, shape: ProtonShape): string {
  if (shape.sensitive || value === undefined) return 'Value';
  if (value === null) return 'Value null';
  if (typeof value === 'string') {
    return value.length <= 100 ? `Value '${value}'` : 'Value';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `Value '${value}'`;
  }
  return 'Value';
}

function constraint(
  value: unknown,
  path: string,
  shape: ProtonShape,
  rule: string,
): string {
  return `${describeValue(
    value,
    shape,
  )} at '${path}' failed to satisfy constraint: Member must ${rule}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectedType(shape: ProtonShape): string {
  return shape.type === 'structure' ? 'object' : shape.type;
}

/** Checks that `value` has the JSON type the shape needs; a mismatch is a SerializationException. */
function checkType(value: unknown, path: string, shape: ProtonShape): void {
  let ok: boolean;
  switch (shape.type) {
    case 'structure':
    case 'map':
      ok = isPlainObject(value);
      break;
    case 'list':
      ok = Array.isArray(value);
      break;
    case 'string':
      ok = typeof value === 'string';
      break;
    case 'integer':
      ok = typeof value === 'number' && Number.isInteger(value);
      break;
    case 'boolean':
      ok = typeof value === 'boolean';
      break;
    case 'timestamp':
      ok = typeof value === 'number' && Number.isFinite(value);
      break;
    default:
      ok = false;
  }
  if (!ok) {
    throw new ProtonApiError(
      'SerializationException',
      `Expected ${expectedType(shape)} at '${path}'`,
    );
  }
}

function checkRange(
  value: unknown,
  path: string,
  shape: ProtonShape,
  size: number,
  noun: 'length' | 'value',
  errors: string[],
): void {
  if (shape.min !== undefined && size < shape.min) {
    errors.push(
      constraint(
        value,
        path,
        shape,
        `have ${noun} greater than or equal to ${shape.min}`,
      ),
    );
  }
  if (shape.max !== undefined && size > shape.max) {
    errors.push(
      constraint(
        value,
        path,
        shape,
        `have ${noun} less than or equal to ${shape.max}`,
      ),
    );
  }
}

const patternCache = new Map<string, RegExp>();
function compiledPattern(pattern: string): RegExp {
  let compiled = patternCache.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'u');
    patternCache.set(pattern, compiled);
  }
  return compiled;
}

function validateValue(
  value: unknown,
  path: string,
  shapeName: string,
  errors: string[],
): void {
  const shape = getShape(shapeName);
  checkType(value, path, shape);
  switch (shape.type) {
    case 'string': {
      const text = value as string;
      checkRange(text, path, shape, [...text].length, 'length', errors);
      if (shape.pattern && !compiledPattern(shape.pattern).test(text)) {
        errors.push(
          constraint(
            text,
            path,
            shape,
            `satisfy regular expression pattern: ${shape.pattern}`,
          ),
        );
      }
      if (shape.enum && !shape.enum.includes(text)) {
        errors.push(
          constraint(
            text,
            path,
            shape,
            `satisfy enum value set: [${shape.enum.join(', ')}]`,
          ),
        );
      }
      return;
    }
    case 'integer':
      checkRange(value, path, shape, value as number, 'value', errors);
      return;
    case 'list': {
      const items = value as unknown[];
      checkRange(items, path, shape, items.length, 'length', errors);
      items.forEach((item, index) =>
        validateValue(
          item,
          `${path}.${index + 1}.member`,
          shape.member!,
          errors,
        ),
      );
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      checkRange(value, path, shape, entries.length, 'length', errors);
      for (const [key, item] of entries) {
        validateValue(key, `${path}.key`, shape.key!, errors);
        validateValue(item, `${path}.${key}.value`, shape.value!, errors);
      }
      return;
    }
    case 'structure':
      validateStructure(value as Record<string, unknown>, path, shape, errors);
      return;
    default:
      return;
  }
}

function validateStructure(
  value: Record<string, unknown>,
  path: string,
  shape: ProtonShape,
  errors: string[],
): void {
  const prefix = path ? `${path}.` : '';
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null) {
      errors.push(
        `Value null at '${prefix}${name}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }
  const members = shape.members ?? {};
  const present = Object.keys(value).filter(
    name =>
      Object.prototype.hasOwnProperty.call(members, name) &&
      value[name] !== null &&
      value[name] !== undefined,
  );
  if (shape.union && present.length !== 1) {
    errors.push(
      `Value at '${path}' failed to satisfy constraint: Member must have exactly one of ${Object.keys(
        members,
      ).join(', ')} set`,
    );
  }
  for (const name of present) {
    validateValue(value[name], `${prefix}${name}`, members[name].shape, errors);
  }
}

/**
 * Validates an operation's input against the constraints the AWS Proton model declares: required
 * members, types, string lengths and patterns, enums, integer ranges, list sizes and unions.
 * Members the model does not know are ignored, as AWS does.
 *
 * @throws ProtonApiError a ValidationException listing the violations in AWS's words, or a
 *   SerializationException when a value has the wrong JSON type
 */
export function validateOperationInput(
  inputShapeName: string,
  input: unknown,
): void {
  const shape = getShape(inputShapeName);
  if (!isPlainObject(input)) {
    throw new ProtonApiError(
      'SerializationException',
      'The request body must be a JSON object',
    );
  }
  const errors: string[] = [];
  validateStructure(input, '', shape, errors);
  if (errors.length > 0) {
    const count = errors.length;
    throw new ProtonApiError(
      'ValidationException',
      `${count} validation error${count === 1 ? '' : 's'} detected: ${errors
        .slice(0, MAX_REPORTED_ERRORS)
        .join('; ')}`,
    );
  }
}
