import { coreApis } from '@backstage/frontend-plugin-api';
import { ApiHolder } from '@backstage/core-plugin-api';
import {
  JsonSchema,
  parseProtonSchema,
  ProtonInputs,
  ProtonInputsKind,
  ProtonSchema,
  ProtonValidationIssue,
  toJsonSchema,
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonTemplateCatalogClient } from './ProtonTemplateCatalogClient';
import {
  choiceVersion,
  ProtonTemplateChoice,
  ProtonTemplateOptions,
  resolveTemplateChoice,
} from './templateChoice';

/**
 * The `ui:options` of `ProtonTemplateInputs`: which template (see {@link ProtonTemplateOptions}) and
 * which of its inputs: `service` (an instance's, the default for service templates), `pipeline`,
 * or `environment` (the default for environment templates).
 *
 * @public
 */
export interface ProtonTemplateInputsOptions extends ProtonTemplateOptions {
  /**
   * Which inputs of the template the field edits; `environment` or `service` by `templateKind` when
   * omitted.
   */
  inputs?: ProtonInputsKind;
}

/** The inputs kind the options ask for. */
export function inputsKindOf(
  options: ProtonTemplateInputsOptions,
): ProtonInputsKind {
  return (
    options.inputs ??
    (options.templateKind === 'environment' ? 'environment' : 'service')
  );
}

const parsed = new Map<string, ProtonSchema>();

/** Fetches and parses the schema of the chosen template version (parsed once per text). */
export async function loadTemplateSchema(
  client: ProtonTemplateCatalogClient,
  options: ProtonTemplateInputsOptions,
  choice: ProtonTemplateChoice,
): Promise<ProtonSchema> {
  const version = await client.getVersion(
    options.templateKind ?? 'service',
    choice.name,
    choiceVersion(choice),
    { accountId: options.accountId, region: options.region },
  );
  let schema = parsed.get(version.schema);
  if (!schema) {
    schema = parseProtonSchema(version.schema);
    parsed.set(version.schema, schema);
  }
  return schema;
}

/** The JSON Schema of the inputs, for the form (without `$schema`, which rjsf does not need). */
export function inputsJsonSchema(
  schema: ProtonSchema,
  kind: ProtonInputsKind,
): JsonSchema {
  const { $schema: _draft, ...rest } = toJsonSchema(schema, kind);
  return rest;
}

/** `spec.port` seen from `prefix` instead of `spec`: `inputs.port`, or `port` without a prefix. */
function rebase(path: string, from: string, prefix: string): string {
  const rest = path.slice(from.length).replace(/^\./, '');
  if (!prefix) return rest;
  return rest && !rest.startsWith('[')
    ? `${prefix}.${rest}`
    : `${prefix}${rest}`;
}

/**
 * Validates input values with the same rules as the scaffolder actions: the common package's
 * validators over the schema the actions fetch. Paths are prefixed with `prefix`.
 */
export function validateInputs(
  schema: ProtonSchema,
  kind: ProtonInputsKind,
  inputs: ProtonInputs,
  prefix: string,
): ProtonValidationIssue[] {
  const values = inputs ?? {};
  if (kind === 'environment') {
    return validateEnvironmentSpec(schema, {
      proton: 'EnvironmentSpec',
      spec: values,
    }).errors.map(e => ({ ...e, path: rebase(e.path, 'spec', prefix) }));
  }
  if (kind === 'pipeline') {
    return validateServiceSpec(schema, {
      proton: 'ServiceSpec',
      pipeline: values,
      instances: [],
    }).errors.map(e => ({ ...e, path: rebase(e.path, 'pipeline', prefix) }));
  }
  return validateServiceInstanceSpec(schema, values, { pathPrefix: prefix })
    .errors;
}

/** An rjsf error schema: `__errors` at each path, nested by property name and array index. */
export interface InputsErrorSchema {
  __errors?: string[];
  [key: string]: InputsErrorSchema | string[] | undefined;
}

/**
 * The issues as an rjsf error schema, so that each shows under its own field: the message in words,
 * then its rule (a pattern) as a detail, shown there only.
 */
export function issuesErrorSchema(
  issues: ProtonValidationIssue[],
): InputsErrorSchema {
  const root: InputsErrorSchema = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path.split(/\.|\[(\d+)\]/).filter(Boolean)) {
      node = (node[key] ??= {}) as InputsErrorSchema;
    }
    (node.__errors ??= []).push(
      issue.detail ? `${issue.message} (${issue.detail})` : issue.message,
    );
  }
  return root;
}

/**
 * The `uiSchema` the scaffolder hands {@link validateTemplateInputs}: that of the
 * `ui:field: ProtonTemplateInputs` field itself, or of a list whose items have such a property (the
 * field's `ui:options` are read from it); undefined when the form has none.
 *
 * @public
 */
export type ProtonTemplateInputsUiSchema = Record<string, any> | undefined;

/** Where the validated values are: the field itself, or (in a list of objects) a property of each item. */
function locate(data: unknown, uiSchema: ProtonTemplateInputsUiSchema) {
  if (uiSchema?.['ui:field'] === 'ProtonTemplateInputs') {
    return {
      options: uiSchema['ui:options'] ?? {},
      values: [{ item: undefined, name: undefined, key: '', inputs: data }],
    };
  }
  const key = Object.keys(uiSchema ?? {}).find(
    k => uiSchema?.[k]?.['ui:field'] === 'ProtonTemplateInputs',
  );
  if (!key) return undefined;
  const options = uiSchema?.[key]['ui:options'] ?? {};
  if (!Array.isArray(data))
    return {
      options,
      values: [{ item: undefined, name: undefined, key: '', inputs: data }],
    };
  return {
    options,
    values: data.map((item, index) => {
      const entry = item as Record<string, unknown> | undefined;
      return {
        item: index + 1,
        name: typeof entry?.name === 'string' ? entry.name : undefined,
        key,
        inputs: entry?.[key],
      };
    }),
  };
}

/**
 * An issue as the form's list of errors shows it, in words: which item of a list (by its name once
 * entered), the input's title from `schema.yaml` (its path only where the title does not say which
 * value: inside a list input), and the message without its rule, which shows under the field:
 * `item 2 (dev), URL path: is not in the expected form: The path prefix this service answers on…`.
 */
function describeInputIssue(
  issue: ProtonValidationIssue,
  inputs: JsonSchema,
  where: { item?: number; name?: string; key: string },
): string {
  const first = /^[^.[]+/.exec(issue.path)?.[0];
  const title = first ? inputs.properties?.[first]?.title : undefined;
  const path = [where.key, issue.path].filter(Boolean).join('.');
  let subject = path;
  if (title) subject = issue.path === first ? title : `${title} (${path})`;
  const item = where.item
    ? `item ${where.item}${where.name ? ` (${where.name})` : ''}`
    : '';
  const located = [item, subject].filter(Boolean).join(', ');
  return located ? `${located}: ${issue.message}` : issue.message;
}

/**
 * The validation of `ProtonTemplateInputs`, run by the wizard before it moves on: every bad field
 * is reported with its path. In a list of instances the scaffolder hands it the whole list, so each
 * item's inputs are checked. Nothing is checked until a template is chosen.
 *
 * @throws ResponseError when the template version cannot be read from the `aws-proton` backend;
 *   ProtonSchemaError when its schema is invalid
 * @public
 */
export async function validateTemplateInputs(
  data: unknown,
  field: { addError(message: string): void },
  context: {
    apiHolder: ApiHolder;
    formData: Record<string, unknown>;
    uiSchema?: ProtonTemplateInputsUiSchema;
  },
): Promise<void> {
  const found = locate(data, context.uiSchema);
  if (!found) return;
  const options = found.options as ProtonTemplateInputsOptions;
  const choice = resolveTemplateChoice(options, context.formData);
  if (!choice) return;
  const discoveryApi = context.apiHolder.get(coreApis.discovery);
  const fetchApi = context.apiHolder.get(coreApis.fetch);
  if (!discoveryApi || !fetchApi) return;
  const schema = await loadTemplateSchema(
    new ProtonTemplateCatalogClient({ discoveryApi, fetchApi }),
    options,
    choice,
  );
  const kind = inputsKindOf(options);
  const jsonSchema = inputsJsonSchema(schema, kind);
  for (const { item, name, key, inputs } of found.values) {
    for (const issue of validateInputs(
      schema,
      kind,
      (inputs ?? {}) as ProtonInputs,
      '',
    )) {
      field.addError(
        describeInputIssue(issue, jsonSchema, { item, name, key }),
      );
    }
  }
}
