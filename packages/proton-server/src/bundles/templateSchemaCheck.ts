import {
  checkBackwardCompatibility,
  parseProtonSchema,
  ProtonInputsKind,
  ProtonSchema,
  ProtonSchemaError,
  ProtonValidationIssue,
} from '@proton-platform/plugin-aws-proton-common';
import type { TemplateKind } from '../store/templateStore';

/**
 * What registration asks of a template's `schema/schema.yaml`.
 *
 * @public
 */
export interface TemplateSchemaCheckRequest {
  /** The kind of template being registered, which decides the input types the schema must declare. */
  kind: TemplateKind;
  /** The text of the new version's `schema/schema.yaml`. */
  schemaYaml: string;
  /** The schema of the previous registered minor version of the same major version, if any. */
  previousSchemaYaml?: string;
}

/**
 * Checks a template version's schema during registration: that it is a valid Proton schema for the
 * kind of template and, for a new minor version, that it is backward compatible with the previous one.
 * Returns the problems found, each a sentence fit for the version's statusMessage; empty when valid.
 *
 * @public
 */
export type TemplateSchemaCheck = (
  request: TemplateSchemaCheckRequest,
) => Promise<string[]> | string[];

function describeIssue(issue: ProtonValidationIssue): string {
  const where = issue.line ? ` (line ${issue.line})` : '';
  return `schema/schema.yaml: ${issue.path ? `${issue.path} ` : ''}${
    issue.message
  }${where}`;
}

function inputKinds(kind: TemplateKind): ProtonInputsKind[] {
  return kind === 'environment' ? ['environment'] : ['service', 'pipeline'];
}

function declaresInputs(
  schema: ProtonSchema,
  which: ProtonInputsKind,
): boolean {
  switch (which) {
    case 'environment':
      return !!schema.environmentInputType;
    case 'service':
      return !!schema.serviceInputType;
    default:
      return (
        !!schema.pipelineInputType && !!schema.types[schema.pipelineInputType]
      );
  }
}

/**
 * The schema check of AWS Proton, from `@proton-platform/plugin-aws-proton-common`: the schema must
 * parse and pass `parseProtonSchema`, be of the template's kind, and a new minor version must pass
 * `checkBackwardCompatibility` against the previous minor version for each kind of inputs.
 *
 * @public
 */
export const protonTemplateSchemaCheck: TemplateSchemaCheck = ({
  kind,
  schemaYaml,
  previousSchemaYaml,
}) => {
  let schema: ProtonSchema;
  try {
    schema = parseProtonSchema(schemaYaml);
  } catch (error) {
    if (error instanceof ProtonSchemaError) {
      return error.issues.map(describeIssue);
    }
    throw error;
  }
  if (schema.templateKind !== kind) {
    return [
      `schema/schema.yaml describes ${schema.templateKind} inputs, but this is a ${kind} template`,
    ];
  }
  if (previousSchemaYaml === undefined) return [];
  const previous = parseProtonSchema(previousSchemaYaml);
  const problems: string[] = [];
  for (const which of inputKinds(kind)) {
    if (!declaresInputs(previous, which)) continue;
    for (const change of checkBackwardCompatibility(previous, schema, which)) {
      problems.push(
        `the schema is not backward compatible with the previous minor version: ${which} input ${
          change.path || '(all)'
        } ${change.message}`,
      );
    }
  }
  return problems;
};
