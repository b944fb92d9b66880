import type { ProtonValidationIssue } from './issues';

/**
 * The values `type` can take in a Proton schema object.
 *
 * @public
 */
export const PROTON_SCHEMA_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
] as const;

/**
 * A `type` of a Proton schema object.
 *
 * @public
 */
export type ProtonSchemaType = (typeof PROTON_SCHEMA_TYPES)[number];

/**
 * A schema object in a Proton `schema.yaml`: the subset of OpenAPI 3.0 schema objects that Proton supports.
 * Either `$ref` (to `#/types/<name>`, optionally with `title` and `description`) or `type` is set.
 * `exclusiveMinimum` and `exclusiveMaximum` are the OpenAPI 3.0 booleans that make `minimum` and
 * `maximum` exclusive.
 *
 * @public
 */
export interface ProtonSchemaObject {
  $ref?: string;
  type?: ProtonSchemaType;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: ProtonSchemaObject;
  properties?: Record<string, ProtonSchemaObject>;
  required?: string[];
}

/**
 * The kind of template a schema belongs to: one with `environment_input_type`, or one with
 * `service_input_type` (and optionally `pipeline_input_type`).
 *
 * @public
 */
export type ProtonTemplateKind = 'environment' | 'service';

/**
 * Which inputs of a template: the environment's, a service instance's (`service_input_type`, the
 * `spec` of each entry of `instances`), or the service pipeline's.
 *
 * @public
 */
export type ProtonInputsKind = 'environment' | 'service' | 'pipeline';

/**
 * A parsed and checked Proton `schema.yaml`. Treat it as immutable: validators compiled from it are
 * cached per object.
 *
 * @public
 */
export interface ProtonSchema {
  /** `environment` when the schema names `environment_input_type`, `service` otherwise. */
  templateKind: ProtonTemplateKind;
  /** `schema.format`: the OpenAPI version the schema follows. */
  format: { openapi: string };
  /** `schema.environment_input_type`. */
  environmentInputType?: string;
  /** `schema.service_input_type`: the inputs of each service instance. */
  serviceInputType?: string;
  /**
   * `schema.pipeline_input_type`. Published templates sometimes name a type they never define; such a
   * schema is accepted with a warning and its pipeline declares no inputs.
   */
  pipelineInputType?: string;
  /** `schema.types`, by name, in file order. */
  types: Record<string, ProtonSchemaObject>;
  /** Problems that do not make the schema invalid, such as an undefined `pipeline_input_type`. */
  warnings: ProtonValidationIssue[];
}

/**
 * A JSON Schema (draft-07) object as {@link toJsonSchema} produces it: plain data that ajv and
 * react-jsonschema-form (Backstage scaffolder forms) both accept.
 *
 * @public
 */
export interface JsonSchema {
  $schema?: string;
  type?: ProtonSchemaType;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/**
 * Input values for one template input type: the `spec` of an environment or a service instance, or a
 * service's `pipeline` section.
 *
 * @public
 */
export type ProtonInputs = Record<string, unknown>;
