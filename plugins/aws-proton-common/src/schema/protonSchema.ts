import { checkAgainst } from './inputValidation';
import { PathSegment, ProtonSchemaError } from './issues';
import { convertSchemaObject } from './jsonSchema';
import {
  FoundRef,
  readSchemaObject,
  refTarget,
  SchemaReadContext,
} from './schemaObject';
import type { ProtonSchema, ProtonSchemaObject } from './types';
import { isMapping, loadYaml, ownValue, RawIssue } from './yamlSource';

const SCHEMA_KEYS = [
  'format',
  'environment_input_type',
  'service_input_type',
  'pipeline_input_type',
  'types',
];
const OPENAPI_VERSION = /^3\.0\.\d+$/;

type InputTypeKey =
  | 'environment_input_type'
  | 'service_input_type'
  | 'pipeline_input_type';

function readInputTypeName(
  schema: Record<string, unknown>,
  key: InputTypeKey,
  errors: RawIssue[],
): string | undefined {
  const value = ownValue(schema, key);
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  errors.push({
    segments: ['schema', key],
    message: 'must be the name of a type in schema.types',
  });
  return undefined;
}

function readFormat(schema: Record<string, unknown>, errors: RawIssue[]) {
  const format = ownValue(schema, 'format');
  if (!isMapping(format)) {
    errors.push({
      segments: ['schema', 'format'],
      message: 'is required: a mapping with openapi: "3.0.0"',
    });
    return undefined;
  }
  for (const key of Object.keys(format)) {
    if (key !== 'openapi') {
      errors.push({
        segments: ['schema', 'format', key],
        message: 'is not supported (format has openapi only)',
      });
    }
  }
  const openapi = ownValue(format, 'openapi');
  if (typeof openapi !== 'string' || !OPENAPI_VERSION.test(openapi)) {
    errors.push({
      segments: ['schema', 'format', 'openapi'],
      message: 'must be "3.0.0" (a quoted OpenAPI 3.0 version)',
    });
    return undefined;
  }
  return { openapi };
}

/** Reports every `$ref` that names an undefined type or leads back to the type it is in. */
function checkRefs(
  refs: FoundRef[],
  types: Record<string, unknown>,
  errors: RawIssue[],
) {
  const targetsOf = new Map<string, string[]>();
  for (const ref of refs) {
    targetsOf.set(ref.owner, [...(targetsOf.get(ref.owner) ?? []), ref.target]);
  }
  const pathTo = (
    from: string,
    to: string,
    seen: string[],
  ): string[] | undefined => {
    if (from === to) return [...seen, to];
    if (seen.includes(from)) return undefined;
    for (const next of targetsOf.get(from) ?? []) {
      const found = pathTo(next, to, [...seen, from]);
      if (found) return found;
    }
    return undefined;
  };
  for (const ref of refs) {
    if (!Object.hasOwn(types, ref.target)) {
      errors.push({
        segments: ref.segments,
        message: `refers to type "${ref.target}", which schema.types does not define`,
      });
      continue;
    }
    const cycle = pathTo(ref.target, ref.owner, [ref.owner]);
    if (cycle) {
      errors.push({
        segments: ref.segments,
        message: `is circular (${cycle.join(' -> ')}); inputs must be finite`,
      });
    }
  }
}

/** Checks every `default` and `enum` value against the schema object it belongs to. */
function checkValues(
  node: ProtonSchemaObject,
  at: PathSegment[],
  types: Record<string, ProtonSchemaObject>,
  errors: RawIssue[],
) {
  if (node.$ref !== undefined) return;
  if (node.enum) {
    const { enum: _allowed, default: _default, ...rest } = node;
    const schema = convertSchemaObject(rest, types);
    node.enum.forEach((value, index) => {
      for (const issue of checkAgainst(schema, value)) {
        errors.push({
          segments: [...at, 'enum', index],
          message: issue.message,
        });
      }
    });
  }
  if (Object.hasOwn(node, 'default')) {
    const { default: value, ...rest } = node;
    for (const issue of checkAgainst(convertSchemaObject(rest, types), value)) {
      errors.push({ segments: [...at, 'default'], message: issue.message });
    }
  }
  if (node.items) {
    checkValues(node.items, [...at, 'items'], types, errors);
  }
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    checkValues(property, [...at, 'properties', name], types, errors);
  }
}

function resolveType(
  name: string,
  types: Record<string, ProtonSchemaObject>,
): ProtonSchemaObject | undefined {
  let node: ProtonSchemaObject | undefined = types[name];
  for (let hops = 0; node?.$ref !== undefined && hops < 32; hops++) {
    const target = refTarget(node.$ref);
    node = target !== undefined ? types[target] : undefined;
  }
  return node;
}

function checkInputTypes(
  names: Record<InputTypeKey, string | undefined>,
  types: Record<string, ProtonSchemaObject>,
  errors: RawIssue[],
  warnings: RawIssue[],
) {
  for (const key of Object.keys(names) as InputTypeKey[]) {
    const name = names[key];
    if (name === undefined) continue;
    if (!Object.hasOwn(types, name)) {
      const issue = {
        segments: ['schema', key],
        message: `names type "${name}", which schema.types does not define`,
      };
      if (key === 'pipeline_input_type') {
        // Published sample templates do this; Proton accepted them.
        warnings.push({
          ...issue,
          message: `${issue.message}; the pipeline is treated as declaring no inputs`,
        });
      } else {
        errors.push(issue);
      }
    } else if (resolveType(name, types)?.type !== 'object') {
      errors.push({
        segments: ['schema', 'types', name],
        message: `must be of type object: it is the ${key}`,
      });
    }
  }
}

/**
 * Parses and checks the text of a Proton `schema/schema.yaml` (YAML, or the JSON that the Proton API
 * returns as a template version's `schema`).
 *
 * Everything is checked and every problem is reported at once: YAML syntax, the `schema` mapping and
 * its `format`, that exactly one of `environment_input_type` and `service_input_type` is named (and
 * `pipeline_input_type` only with the latter), that input types exist and are objects, that each schema
 * object uses only the keywords Proton supports and uses them on a type they apply to, that `$ref`s
 * have the form `#/types/<name>`, resolve and are not circular, that patterns compile and bounds are
 * consistent, and that every `default` and `enum` value fits its own schema.
 *
 * A `pipeline_input_type` naming a type that `types` does not define is accepted with a warning (AWS
 * sample templates do this); the pipeline then declares no inputs. OpenAPI extension keys (`x-...`)
 * are ignored with a warning.
 *
 * @param yamlText - the file's content
 * @returns the schema; its `warnings` lists the problems that did not make it invalid
 * @throws ProtonSchemaError listing every problem with its path, line and column
 * @public
 */
export function parseProtonSchema(yamlText: string): ProtonSchema {
  if (typeof yamlText !== 'string') {
    throw new ProtonSchemaError([{ path: '', message: 'must be YAML text' }]);
  }
  const source = loadYaml(yamlText);
  if (source.errors.length > 0) {
    throw new ProtonSchemaError(source.errors);
  }
  const errors: RawIssue[] = [];
  const warnings: RawIssue[] = [];
  const fail = () =>
    new ProtonSchemaError(source.locate(errors), source.locate(warnings));

  const root = source.value;
  if (!isMapping(root) || !isMapping(ownValue(root, 'schema'))) {
    errors.push({
      segments: isMapping(root) ? ['schema'] : [],
      message: 'must be a mapping: the file needs a top-level schema mapping',
    });
    throw fail();
  }
  for (const key of Object.keys(root)) {
    if (key !== 'schema') {
      errors.push({
        segments: [key],
        message: 'is not supported (the file has a top-level schema key only)',
      });
    }
  }
  const schema = root.schema as Record<string, unknown>;
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_KEYS.includes(key)) {
      errors.push({
        segments: ['schema', key],
        message: `is not supported (schema has ${SCHEMA_KEYS.join(', ')})`,
      });
    }
  }
  const format = readFormat(schema, errors);
  const names = {
    environment_input_type: readInputTypeName(
      schema,
      'environment_input_type',
      errors,
    ),
    service_input_type: readInputTypeName(schema, 'service_input_type', errors),
    pipeline_input_type: readInputTypeName(
      schema,
      'pipeline_input_type',
      errors,
    ),
  };
  if (Object.hasOwn(schema, 'environment_input_type')) {
    if (Object.hasOwn(schema, 'service_input_type')) {
      errors.push({
        segments: ['schema', 'service_input_type'],
        message:
          'cannot be combined with environment_input_type: a template is either an environment or a service template',
      });
    }
    if (Object.hasOwn(schema, 'pipeline_input_type')) {
      errors.push({
        segments: ['schema', 'pipeline_input_type'],
        message: 'is only allowed with service_input_type (service templates)',
      });
    }
  } else if (!Object.hasOwn(schema, 'service_input_type')) {
    errors.push({
      segments: ['schema'],
      message:
        'must name environment_input_type (environment templates) or service_input_type (service templates)',
    });
  }

  const rawTypes = ownValue(schema, 'types');
  const types: Record<string, ProtonSchemaObject> = {};
  if (!isMapping(rawTypes)) {
    errors.push({
      segments: ['schema', 'types'],
      message: 'is required: a mapping of type names to schema objects',
    });
  } else {
    const ctx: SchemaReadContext = { errors, warnings, refs: [], owner: '' };
    for (const name of Object.keys(rawTypes)) {
      ctx.owner = name;
      const node = readSchemaObject(
        rawTypes[name],
        ['schema', 'types', name],
        ctx,
      );
      if (node) {
        Object.defineProperty(types, name, {
          value: node,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    checkRefs(ctx.refs, rawTypes, errors);
  }
  if (errors.length > 0) throw fail();

  checkInputTypes(names, types, errors, warnings);
  for (const [name, node] of Object.entries(types)) {
    checkValues(node, ['schema', 'types', name], types, errors);
  }
  if (errors.length > 0) throw fail();

  return {
    templateKind: names.environment_input_type ? 'environment' : 'service',
    format: format!,
    ...(names.environment_input_type
      ? { environmentInputType: names.environment_input_type }
      : {}),
    ...(names.service_input_type
      ? { serviceInputType: names.service_input_type }
      : {}),
    ...(names.pipeline_input_type
      ? { pipelineInputType: names.pipeline_input_type }
      : {}),
    types,
    warnings: source.locate(warnings),
  };
}
