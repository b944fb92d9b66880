export { parseProtonSchema } from './protonSchema';
export {
  JSON_SCHEMA_DRAFT_07,
  toJsonSchema,
  type ToJsonSchemaOptions,
} from './jsonSchema';
export {
  buildEnvironmentSpec,
  buildServiceSpec,
  parseProtonSpec,
  type BuildServiceSpecOptions,
  type ProtonEnvironmentSpec,
  type ProtonServiceInstanceSpec,
  type ProtonServiceSpec,
  type ProtonSpec,
  type ServiceInstanceSpecInput,
  isProtonResourceName,
} from './protonSpec';
export {
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
  type ServiceInstanceSpecValidationOptions,
  type SpecValidationOptions,
  type SpecValidationResult,
} from './specValidation';
export { PROTON_CURRENT_VALUE, resolveCurrentValues } from './currentValues';
export {
  checkBackwardCompatibility,
  type ProtonIncompatibility,
  type ProtonIncompatibilityRule,
} from './compatibility';
export {
  diffProtonInputs,
  previewProtonInputs,
  type ProtonInputsDiff,
  type ProtonInputsPreview,
  type ProtonInputSummary,
} from './inputsDiff';
export {
  formatSpecErrors,
  formatValidationIssue,
  ProtonSchemaError,
  ProtonSpecError,
  type ProtonValidationIssue,
} from './issues';
export {
  PROTON_SCHEMA_TYPES,
  type JsonSchema,
  type ProtonInputs,
  type ProtonInputsKind,
  type ProtonSchema,
  type ProtonSchemaObject,
  type ProtonSchemaType,
  type ProtonTemplateKind,
} from './types';
