import { ProtonSchemaError } from './issues';
import { refTarget } from './schemaObject';
import type {
  JsonSchema,
  ProtonInputsKind,
  ProtonSchema,
  ProtonSchemaObject,
} from './types';
import { cloneData } from './yamlSource';

/**
 * The `$schema` of the JSON Schemas that {@link toJsonSchema} produces.
 *
 * @public
 */
export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * Options of {@link toJsonSchema}.
 *
 * @public
 */
export interface ToJsonSchemaOptions {
  /**
   * Leave objects open to keys the schema does not declare. By default every object that declares
   * `properties` gets `additionalProperties: false`, so forms offer no free-form keys and ajv reports
   * undeclared inputs (the spec validators turn those reports into warnings by default).
   */
  allowUndeclaredInputs?: boolean;
}

/** `an environment template` or `a service template`. */
export function describeTemplateKind(
  kind: ProtonSchema['templateKind'],
): string {
  return kind === 'environment'
    ? 'an environment template'
    : 'a service template';
}

const INPUT_TYPE_KEYS = {
  environment: 'environment_input_type',
  service: 'service_input_type',
  pipeline: 'pipeline_input_type',
} as const;

/**
 * The input type a schema declares for `which`. `node` is undefined when a service template declares
 * no pipeline inputs, or names a `pipeline_input_type` it does not define.
 *
 * @throws ProtonSchemaError when the template kind has no such inputs
 */
export function findInputType(
  schema: ProtonSchema,
  which: ProtonInputsKind,
): { name?: string; node?: ProtonSchemaObject } {
  const expectedKind = which === 'environment' ? 'environment' : 'service';
  if (schema.templateKind !== expectedKind) {
    throw new ProtonSchemaError([
      {
        path: `schema.${INPUT_TYPE_KEYS[which]}`,
        message: `is not available: this is the schema of ${describeTemplateKind(
          schema.templateKind,
        )}, which has ${
          schema.templateKind === 'environment'
            ? 'environment inputs only'
            : 'service instance and pipeline inputs'
        }`,
      },
    ]);
  }
  const name = {
    environment: schema.environmentInputType,
    service: schema.serviceInputType,
    pipeline: schema.pipelineInputType,
  }[which];
  const node =
    name !== undefined && Object.hasOwn(schema.types, name)
      ? schema.types[name]
      : undefined;
  if (!node && which !== 'pipeline') {
    throw new ProtonSchemaError([
      {
        path: `schema.${INPUT_TYPE_KEYS[which]}`,
        message: `names type "${name}", which schema.types does not define`,
      },
    ]);
  }
  return { name, node };
}

/**
 * Converts one Proton schema object to JSON Schema, inlining `$ref`s.
 *
 * @throws ProtonSchemaError for a `$ref` that cannot be resolved or is circular
 */
export function convertSchemaObject(
  node: ProtonSchemaObject,
  types: Record<string, ProtonSchemaObject>,
  options: ToJsonSchemaOptions = {},
  refChain: string[] = [],
): JsonSchema {
  if (node.$ref !== undefined) {
    const name = refTarget(node.$ref);
    if (name === undefined || !Object.hasOwn(types, name)) {
      throw new ProtonSchemaError([
        { path: '', message: `$ref "${node.$ref}" cannot be resolved` },
      ]);
    }
    if (refChain.includes(name)) {
      throw new ProtonSchemaError([
        {
          path: '',
          message: `$ref "${node.$ref}" is circular (${[...refChain, name].join(
            ' -> ',
          )})`,
        },
      ]);
    }
    const target = convertSchemaObject(types[name], types, options, [
      ...refChain,
      name,
    ]);
    // Annotations written next to the $ref describe this use of the type; they win.
    return {
      ...target,
      ...(node.title !== undefined ? { title: node.title } : {}),
      ...(node.description !== undefined
        ? { description: node.description }
        : {}),
    };
  }

  const out: JsonSchema = {};
  const set = <K extends keyof JsonSchema>(key: K, value: JsonSchema[K]) => {
    if (value !== undefined) out[key] = value;
  };
  set('type', node.type);
  set('title', node.title);
  set('description', node.description);
  set('default', cloneData(node.default));
  set('enum', cloneData(node.enum));
  // OpenAPI 3.0 booleans become draft-07 numbers.
  if (node.exclusiveMinimum && node.minimum !== undefined) {
    set('exclusiveMinimum', node.minimum);
  } else {
    set('minimum', node.minimum);
  }
  if (node.exclusiveMaximum && node.maximum !== undefined) {
    set('exclusiveMaximum', node.maximum);
  } else {
    set('maximum', node.maximum);
  }
  set('minLength', node.minLength);
  set('maxLength', node.maxLength);
  set('pattern', node.pattern);
  set('minItems', node.minItems);
  set('maxItems', node.maxItems);
  set('uniqueItems', node.uniqueItems);
  if (node.items) {
    set('items', convertSchemaObject(node.items, types, options, refChain));
  }
  if (node.properties) {
    const properties = node.properties;
    set(
      'properties',
      Object.fromEntries(
        Object.keys(properties).map(name => [
          name,
          convertSchemaObject(properties[name], types, options, refChain),
        ]),
      ),
    );
    if (!options.allowUndeclaredInputs) {
      set('additionalProperties', false);
    }
  }
  if (node.required && node.required.length > 0) {
    set('required', [...node.required]);
  }
  return out;
}

/**
 * Converts the inputs of one kind that a Proton schema declares to a JSON Schema (draft-07). `$ref`s
 * are inlined, OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers,
 * and title, description, default, enum, bounds, lengths and patterns are kept, so the result works
 * both with ajv and as the `parameters` of a Backstage scaffolder template step (react-jsonschema-form).
 * Patterns stay unanchored, as in Proton: a value only has to contain a match.
 *
 * A service template with no `pipeline_input_type` (or one naming an undefined type) gets an object
 * schema with no properties for `pipeline`.
 *
 * @param schema - a schema from {@link parseProtonSchema}
 * @param which - `environment` for an environment template; `service` (each instance's `spec`) or
 *   `pipeline` for a service template
 * @param options - see {@link ToJsonSchemaOptions}
 * @returns a new plain object; changing it does not affect `schema`
 * @throws ProtonSchemaError when the template has no inputs of that kind (environment inputs of a
 *   service template and the reverse)
 * @public
 */
export function toJsonSchema(
  schema: ProtonSchema,
  which: ProtonInputsKind,
  options: ToJsonSchemaOptions = {},
): JsonSchema {
  const { name, node } = findInputType(schema, which);
  if (!node) {
    return {
      $schema: JSON_SCHEMA_DRAFT_07,
      type: 'object',
      properties: {},
      ...(options.allowUndeclaredInputs ? {} : { additionalProperties: false }),
    };
  }
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    ...convertSchemaObject(node, schema.types, options, name ? [name] : []),
  };
}
