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
  /** A reference to another type of the same schema, in the form `#/types/<name>`. */
  $ref?: string;
  /** The value's type. */
  type?: ProtonSchemaType;
  /** A short label for the input, shown as the form field's title. */
  title?: string;
  /** A longer explanation of the input, shown as the form field's help text. */
  description?: string;
  /** The value used when the input is not given. */
  default?: unknown;
  /** The only values allowed. */
  enum?: unknown[];
  /** The smallest number allowed (`number` and `integer`); exclusive when `exclusiveMinimum` is true. */
  minimum?: number;
  /** The largest number allowed (`number` and `integer`); exclusive when `exclusiveMaximum` is true. */
  maximum?: number;
  /** When true, the value must be greater than `minimum` rather than equal or greater. */
  exclusiveMinimum?: boolean;
  /** When true, the value must be less than `maximum` rather than equal or less. */
  exclusiveMaximum?: boolean;
  /** The fewest characters a `string` may have. */
  minLength?: number;
  /** The most characters a `string` may have. */
  maxLength?: number;
  /** A regular expression a `string` must contain a match of (unanchored, as in Proton). */
  pattern?: string;
  /** The fewest items an `array` may have. */
  minItems?: number;
  /** The most items an `array` may have. */
  maxItems?: number;
  /** When true, the items of an `array` must all differ. */
  uniqueItems?: boolean;
  /** The schema every item of an `array` must match. */
  items?: ProtonSchemaObject;
  /** The inputs of an `object`, by name, in file order. */
  properties?: Record<string, ProtonSchemaObject>;
  /** The names of the `object`'s inputs that must be given. */
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
  /** {@link JSON_SCHEMA_DRAFT_07} on the root schema; absent on nested ones. */
  $schema?: string;
  /** The value's type. */
  type?: ProtonSchemaType;
  /** A short label for the input, shown as the form field's title. */
  title?: string;
  /** A longer explanation of the input, shown as the form field's help text. */
  description?: string;
  /** The value used when the input is not given. */
  default?: unknown;
  /** The only values allowed. */
  enum?: unknown[];
  /** The smallest number allowed (inclusive). */
  minimum?: number;
  /** The largest number allowed (inclusive). */
  maximum?: number;
  /** The value must be greater than this number (draft-07 form of OpenAPI 3.0's boolean). */
  exclusiveMinimum?: number;
  /** The value must be less than this number (draft-07 form of OpenAPI 3.0's boolean). */
  exclusiveMaximum?: number;
  /** The fewest characters a string may have. */
  minLength?: number;
  /** The most characters a string may have. */
  maxLength?: number;
  /** A regular expression a string must contain a match of (unanchored). */
  pattern?: string;
  /** The fewest items an array may have. */
  minItems?: number;
  /** The most items an array may have. */
  maxItems?: number;
  /** When true, the items of an array must all differ. */
  uniqueItems?: boolean;
  /** The schema every item of an array must match, with `$ref`s inlined. */
  items?: JsonSchema;
  /** The inputs of an object, by name, with `$ref`s inlined. */
  properties?: Record<string, JsonSchema>;
  /** The names of the object's inputs that must be given; absent when none are. */
  required?: string[];
  /**
   * `false` on every object that declares `properties`, unless
   * {@link ToJsonSchemaOptions.allowUndeclaredInputs} is set.
   */
  additionalProperties?: boolean;
}

/**
 * Input values for one template input type: the `spec` of an environment or a service instance, or a
 * service's `pipeline` section.
 *
 * @public
 */
export type ProtonInputs = Record<string, unknown>;
