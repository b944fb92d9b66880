import { findCurrentValuePaths, PROTON_CURRENT_VALUE } from './currentValues';
import { checkValue, inputsValidator } from './inputValidation';
import { describeTemplateKind } from './jsonSchema';
import { formatPath, ProtonSchemaError, ProtonValidationIssue } from './issues';
import {
  checkSpecShape,
  ProtonEnvironmentSpec,
  ProtonServiceSpec,
} from './protonSpec';
import type {
  ProtonInputs,
  ProtonInputsKind,
  ProtonSchema,
  ProtonTemplateKind,
} from './types';
import { cloneData, isMapping } from './yamlSource';

/**
 * Options of the spec validators.
 *
 * @public
 */
export interface SpecValidationOptions {
  /**
   * What to do with an input the schema does not declare (such as `pipeline.environment_account_ids`
   * in AWS's own loadbalanced-fargate-svc sample spec):
   * - `warn` (default): keep it in the returned spec, unvalidated, and list it in `warnings`. This is
   *   what Proton did: undeclared keys were passed through and ignored by templates that do not read them.
   * - `strip`: remove it from the returned spec and list it in `warnings`.
   * - `error`: list it in `errors`, making the spec invalid.
   */
  undeclaredInputs?: 'warn' | 'strip' | 'error';
  /**
   * What to do with a value that is exactly `${Proton::CURRENT_VAL}`:
   * - `reject` (default): an error saying that only an update can keep a current value (resolve it
   *   with {@link resolveCurrentValues} first);
   * - `accept`: treat it as valid, for update specs checked before the current spec is known.
   */
  currentValue?: 'reject' | 'accept';
}

/**
 * Options of {@link validateServiceInstanceSpec}.
 *
 * @public
 */
export interface ServiceInstanceSpecValidationOptions
  extends SpecValidationOptions {
  /** Put before every path, for example `instances[2].spec`; paths are relative to the inputs when omitted. */
  pathPrefix?: string;
}

/**
 * What the spec validators return.
 *
 * @public
 */
export interface SpecValidationResult<T> {
  /** True when `errors` is empty. */
  valid: boolean;
  /** A copy of the spec with the schema's defaults filled in; the input is never changed. */
  spec: T;
  /** Every problem found (ajv runs with `allErrors`), with paths such as `instances[1].spec.port`. */
  errors: ProtonValidationIssue[];
  /** Problems that do not make the spec invalid, such as undeclared inputs under the `warn` policy. */
  warnings: ProtonValidationIssue[];
}

interface InputsCheck {
  value: unknown;
  errors: ProtonValidationIssue[];
  warnings: ProtonValidationIssue[];
}

function checkInputs(
  schema: ProtonSchema,
  which: ProtonInputsKind,
  inputs: unknown,
  prefix: string,
  options: SpecValidationOptions,
): InputsCheck {
  const { value, errors, undeclared } = checkValue(
    inputsValidator(schema, which),
    inputs,
    prefix,
  );
  const warnings: ProtonValidationIssue[] = [];
  const policy = options.undeclaredInputs ?? 'warn';
  for (const { path, holder, key } of undeclared) {
    if (policy === 'error') {
      errors.push({ path, message: 'is not declared by the template schema' });
    } else if (policy === 'strip') {
      delete holder[key];
      warnings.push({
        path,
        message: 'is not declared by the template schema; removed',
      });
    } else {
      warnings.push({
        path,
        message: 'is not declared by the template schema; kept unvalidated',
      });
    }
  }
  const markers = findCurrentValuePaths(value, prefix);
  const remaining = errors.filter(error => !markers.includes(error.path));
  if ((options.currentValue ?? 'reject') === 'reject') {
    remaining.push(
      ...markers.map(path => ({
        path,
        message: `is ${PROTON_CURRENT_VALUE}, which keeps an input's current value: only an update of an existing resource can use it`,
      })),
    );
  }
  return { value, errors: remaining, warnings };
}

function requireTemplateKind(schema: ProtonSchema, kind: ProtonTemplateKind) {
  if (schema.templateKind !== kind) {
    throw new ProtonSchemaError([
      {
        path: '',
        message: `is the schema of ${describeTemplateKind(
          schema.templateKind,
        )}; the schema of ${describeTemplateKind(kind)} is needed here`,
      },
    ]);
  }
}

function shapeErrors(spec: unknown): ProtonValidationIssue[] {
  return checkSpecShape(spec, { inputs: false }).map(issue => ({
    path: formatPath(issue.segments),
    message: issue.message,
  }));
}

function result<T>(
  spec: T,
  errors: ProtonValidationIssue[],
  warnings: ProtonValidationIssue[],
): SpecValidationResult<T> {
  return { valid: errors.length === 0, spec, errors, warnings };
}

/**
 * Validates a service spec against a service template's schema: every instance's `spec` against
 * `service_input_type`, and `pipeline` against `pipeline_input_type`, reporting every problem.
 *
 * When the template defines pipeline inputs, a spec without a `pipeline` section is checked as if it
 * had an empty one, so missing required pipeline inputs are reported and defaults are filled in.
 * A template that declares no pipeline inputs (or names an undefined `pipeline_input_type`) treats
 * every key of a given `pipeline` section as undeclared (see `undeclaredInputs`).
 *
 * @param schema - a service template's schema from {@link parseProtonSchema}
 * @param spec - the spec, for example from {@link (parseProtonSpec:1)}
 * @param options - see {@link SpecValidationOptions}
 * @throws ProtonSchemaError when `schema` is an environment template's
 * @public
 */
export function validateServiceSpec(
  schema: ProtonSchema,
  spec: ProtonServiceSpec,
  options: SpecValidationOptions = {},
): SpecValidationResult<ProtonServiceSpec> {
  requireTemplateKind(schema, 'service');
  const errors = shapeErrors(spec);
  const warnings: ProtonValidationIssue[] = [];
  if (!isMapping(spec) || spec.proton !== 'ServiceSpec') {
    return result(cloneData(spec), errors, warnings);
  }
  const out: ProtonServiceSpec = cloneData(spec);
  const pipelineDefined =
    schema.pipelineInputType !== undefined &&
    Object.hasOwn(schema.types, schema.pipelineInputType);
  if (spec.pipeline !== undefined || pipelineDefined) {
    const checked = checkInputs(
      schema,
      'pipeline',
      spec.pipeline ?? {},
      'pipeline',
      options,
    );
    out.pipeline = checked.value as ProtonInputs;
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
  }
  if (Array.isArray(spec.instances)) {
    spec.instances.forEach((instance, index) => {
      if (!isMapping(instance)) return;
      const checked = checkInputs(
        schema,
        'service',
        instance.spec ?? {},
        `instances[${index}].spec`,
        options,
      );
      out.instances[index].spec = checked.value as ProtonInputs;
      errors.push(...checked.errors);
      warnings.push(...checked.warnings);
    });
  }
  return result(out, errors, warnings);
}

/**
 * Validates an environment spec's `spec` against an environment template's schema, reporting every
 * problem with paths such as `spec.vpc_cidr`.
 *
 * @param schema - an environment template's schema from {@link parseProtonSchema}
 * @param spec - the spec, for example from {@link (parseProtonSpec:2)}
 * @param options - see {@link SpecValidationOptions}
 * @throws ProtonSchemaError when `schema` is a service template's
 * @public
 */
export function validateEnvironmentSpec(
  schema: ProtonSchema,
  spec: ProtonEnvironmentSpec,
  options: SpecValidationOptions = {},
): SpecValidationResult<ProtonEnvironmentSpec> {
  requireTemplateKind(schema, 'environment');
  const errors = shapeErrors(spec);
  if (!isMapping(spec) || spec.proton !== 'EnvironmentSpec') {
    return result(cloneData(spec), errors, []);
  }
  const checked = checkInputs(
    schema,
    'environment',
    spec.spec ?? {},
    'spec',
    options,
  );
  return result(
    { ...cloneData(spec), spec: checked.value as ProtonInputs },
    [...errors, ...checked.errors],
    checked.warnings,
  );
}

/**
 * Validates the inputs of one service instance (the `spec` of an entry of `instances`) against a
 * service template's `service_input_type`, as for CreateServiceInstance and UpdateServiceInstance or a
 * scaffolder form. Paths are relative to the inputs (`port`) unless `pathPrefix` is given.
 *
 * @param schema - a service template's schema from {@link parseProtonSchema}
 * @param instanceSpec - the instance's inputs
 * @param options - see {@link ServiceInstanceSpecValidationOptions}
 * @throws ProtonSchemaError when `schema` is an environment template's
 * @public
 */
export function validateServiceInstanceSpec(
  schema: ProtonSchema,
  instanceSpec: ProtonInputs,
  options: ServiceInstanceSpecValidationOptions = {},
): SpecValidationResult<ProtonInputs> {
  requireTemplateKind(schema, 'service');
  const checked = checkInputs(
    schema,
    'service',
    instanceSpec ?? {},
    options.pathPrefix ?? '',
    options,
  );
  return result(
    checked.value as ProtonInputs,
    checked.errors,
    checked.warnings,
  );
}
