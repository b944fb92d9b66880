import { appendKey } from './issues';
import {
  describeTemplateKind,
  findInputType,
  toJsonSchema,
} from './jsonSchema';
import type { JsonSchema, ProtonInputsKind, ProtonSchema } from './types';

/**
 * The rule an incompatible change breaks.
 *
 * @public
 */
export type ProtonIncompatibilityRule =
  | 'inputs-removed'
  | 'input-removed'
  | 'required-input-added'
  | 'input-became-required'
  | 'default-removed'
  | 'type-changed'
  | 'enum-narrowed'
  | 'constraint-tightened';

/**
 * A change between two template versions that can make inputs valid for the old version invalid for
 * the new one.
 *
 * @public
 */
export interface ProtonIncompatibility {
  /** The input, relative to the input type: `port`, `network.cidr`, `subnets[]` (array items); empty for the whole input type. */
  path: string;
  /** The rule the change breaks, such as `input-removed` or `constraint-tightened`. */
  rule: ProtonIncompatibilityRule;
  /** What changed, for example `maximum tightened from 65535 to 1024`. */
  message: string;
}

interface Bound {
  value: number;
  exclusive: boolean;
}

function lowerBound(schema: JsonSchema): Bound | undefined {
  if (schema.exclusiveMinimum !== undefined) {
    return { value: schema.exclusiveMinimum, exclusive: true };
  }
  return schema.minimum !== undefined
    ? { value: schema.minimum, exclusive: false }
    : undefined;
}

function upperBound(schema: JsonSchema): Bound | undefined {
  if (schema.exclusiveMaximum !== undefined) {
    return { value: schema.exclusiveMaximum, exclusive: true };
  }
  return schema.maximum !== undefined
    ? { value: schema.maximum, exclusive: false }
    : undefined;
}

function showBound(bound: Bound, side: 'lower' | 'upper'): string {
  const operator = side === 'lower' ? '>' : '<';
  return `${operator}${bound.exclusive ? '' : '='} ${bound.value}`;
}

class Comparison {
  readonly found: ProtonIncompatibility[] = [];

  add(path: string, rule: ProtonIncompatibilityRule, message: string) {
    this.found.push({ path, rule, message });
  }

  bound(path: string, side: 'lower' | 'upper', before?: Bound, after?: Bound) {
    if (!after) return;
    const name = side === 'lower' ? 'minimum' : 'maximum';
    if (!before) {
      this.add(
        path,
        'constraint-tightened',
        `${name} added: must be ${showBound(after, side)}`,
      );
      return;
    }
    const direction = side === 'lower' ? 1 : -1;
    const moved = (after.value - before.value) * direction;
    if (moved > 0 || (moved === 0 && after.exclusive && !before.exclusive)) {
      this.add(
        path,
        'constraint-tightened',
        `${name} tightened from ${showBound(before, side)} to ${showBound(
          after,
          side,
        )}`,
      );
    }
  }

  limit(
    path: string,
    name: string,
    side: 'lower' | 'upper',
    before?: number,
    after?: number,
  ) {
    if (after === undefined) return;
    if (before === undefined) {
      this.add(path, 'constraint-tightened', `${name} added: ${after}`);
    } else if (side === 'lower' ? after > before : after < before) {
      this.add(
        path,
        'constraint-tightened',
        `${name} tightened from ${before} to ${after}`,
      );
    }
  }

  compare(path: string, before: JsonSchema, after: JsonSchema) {
    if (before.type !== after.type) {
      // An integer input stays valid when the new version accepts any number.
      if (!(before.type === 'integer' && after.type === 'number')) {
        this.add(
          path,
          'type-changed',
          `type changed from ${before.type} to ${after.type}`,
        );
        return;
      }
    }
    this.enumValues(path, before.enum, after.enum);
    this.bound(path, 'lower', lowerBound(before), lowerBound(after));
    this.bound(path, 'upper', upperBound(before), upperBound(after));
    this.limit(path, 'minLength', 'lower', before.minLength, after.minLength);
    this.limit(path, 'maxLength', 'upper', before.maxLength, after.maxLength);
    this.limit(path, 'minItems', 'lower', before.minItems, after.minItems);
    this.limit(path, 'maxItems', 'upper', before.maxItems, after.maxItems);
    if (after.pattern !== undefined && after.pattern !== before.pattern) {
      this.add(
        path,
        'constraint-tightened',
        before.pattern === undefined
          ? `pattern added: ${after.pattern}`
          : `pattern changed from ${before.pattern} to ${after.pattern}; values matching the old one may not match`,
      );
    }
    if (after.uniqueItems && !before.uniqueItems) {
      this.add(
        path,
        'constraint-tightened',
        'uniqueItems added: items must now be distinct',
      );
    }
    if (before.items && after.items) {
      this.compare(`${path}[]`, before.items, after.items);
    }
    this.objectProperties(path, before, after);
  }

  enumValues(path: string, before?: unknown[], after?: unknown[]) {
    if (!after) return;
    if (!before) {
      this.add(
        path,
        'enum-narrowed',
        `now restricted to ${after
          .map(value => JSON.stringify(value))
          .join(', ')}`,
      );
      return;
    }
    const kept = new Set(after.map(value => JSON.stringify(value)));
    const removed = before
      .map(value => JSON.stringify(value))
      .filter(value => !kept.has(value));
    if (removed.length > 0) {
      this.add(
        path,
        'enum-narrowed',
        `enum no longer allows ${removed.join(', ')}`,
      );
    }
  }

  objectProperties(path: string, before: JsonSchema, after: JsonSchema) {
    const oldProperties = before.properties;
    const newProperties = after.properties;
    if (!newProperties) return;
    if (!oldProperties) {
      this.add(
        path,
        'constraint-tightened',
        'now accepts only the properties it declares',
      );
    }
    const wasRequired = new Set(before.required ?? []);
    const isRequired = new Set(after.required ?? []);
    for (const name of Object.keys(oldProperties ?? {})) {
      if (!Object.hasOwn(newProperties, name)) {
        this.add(appendKey(path, name), 'input-removed', 'input removed');
      }
    }
    for (const name of Object.keys(newProperties)) {
      const property = appendKey(path, name);
      const next = newProperties[name];
      const previous =
        oldProperties && Object.hasOwn(oldProperties, name)
          ? oldProperties[name]
          : undefined;
      const hasDefault = next.default !== undefined;
      if (!previous) {
        if (isRequired.has(name) && !hasDefault) {
          this.add(
            property,
            'required-input-added',
            'new required input without a default',
          );
        }
        continue;
      }
      if (isRequired.has(name) && !hasDefault) {
        if (!wasRequired.has(name)) {
          this.add(
            property,
            'input-became-required',
            'became required and has no default',
          );
        } else if (previous.default !== undefined) {
          this.add(
            property,
            'default-removed',
            'required input lost its default',
          );
        }
      }
      this.compare(property, previous, next);
    }
  }
}

/**
 * Compares the inputs of one kind between two versions of a template and lists every change that can
 * make inputs valid for the old version invalid for the new one: an input removed, a new required input without a default, an optional input that
 * became required without a default, a required input that lost its default, a changed type (integer
 * to number is allowed), enum values removed (or an enum added), and tightened constraints: minimum,
 * maximum (including exclusivity), minLength, maxLength, minItems, maxItems, a new or changed pattern,
 * uniqueItems, closing a free-form object. Nested objects and array items are compared too.
 *
 * A service template that declares no pipeline inputs (or an undefined `pipeline_input_type`) is
 * compared as an object with no inputs. Proton requires a new minor version to be backward
 * compatible; an empty list means it is.
 *
 * @param oldSchema - the schema of the version in use
 * @param newSchema - the schema of the candidate minor version
 * @param which - which inputs to compare
 * @throws ProtonSchemaError when `oldSchema` has no inputs of that kind
 * @public
 */
export function checkBackwardCompatibility(
  oldSchema: ProtonSchema,
  newSchema: ProtonSchema,
  which: ProtonInputsKind,
): ProtonIncompatibility[] {
  // Throws when the old version has no inputs of this kind: there is nothing to be compatible with.
  findInputType(oldSchema, which);
  if (newSchema.templateKind !== oldSchema.templateKind) {
    return [
      {
        path: '',
        rule: 'inputs-removed',
        message: `the template changed from ${describeTemplateKind(
          oldSchema.templateKind,
        )} to ${describeTemplateKind(newSchema.templateKind)}`,
      },
    ];
  }
  const comparison = new Comparison();
  comparison.compare(
    '',
    toJsonSchema(oldSchema, which),
    toJsonSchema(newSchema, which),
  );
  return comparison.found;
}
