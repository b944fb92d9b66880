/**
 * AWS Proton for Backstage: entity cards, the Proton tab and the API client. The default export is the
 * plugin for the new frontend system; the named exports serve apps on the legacy frontend system.
 *
 * @packageDocumentation
 */

export { default } from './frontendPlugin';
export {
  awsProtonPlugin,
  EntityAwsProtonContent,
  EntityAwsProtonEnvironmentOverviewCard,
  EntityAwsProtonServiceOverviewCard,
  EntityAwsProtonTemplateOverviewCard,
  ProtonEnvironmentPickerFieldExtension,
  ProtonServiceInstancesFieldExtension,
  ProtonServiceTemplatePickerFieldExtension,
  ProtonTemplateInputsFieldExtension,
} from './plugin';
export { ServiceOverviewCard } from './components/ServiceOverviewCard/ServiceOverviewCard';
export { EnvironmentOverviewCard } from './components/EnvironmentOverviewCard/EnvironmentOverviewCard';
export { TemplateOverviewCard } from './components/TemplateOverviewCard/TemplateOverviewCard';
export { ProtonContent } from './components/ProtonContent/ProtonContent';
export { ProtonStatus } from './components/ProtonStatus/ProtonStatus';
export * from './api/AwsProtonApi';
export { AwsProtonClient } from './api/AwsProtonClient';
export { ProtonServiceTemplatePicker } from './components/scaffolder/ProtonServiceTemplatePicker';
export { ProtonEnvironmentPicker } from './components/scaffolder/ProtonEnvironmentPicker';
export { ProtonTemplateInputs } from './components/scaffolder/ProtonTemplateInputs';
export { ProtonServiceInstances } from './components/scaffolder/ProtonServiceInstances';
export { protonFieldExtensionOptions } from './components/scaffolder/fieldExtensions';
export type {
  ProtonTemplateChoice,
  ProtonTemplateOptions,
} from './components/scaffolder/templateChoice';
export {
  validateTemplateInputs,
  type ProtonTemplateInputsOptions,
  type ProtonTemplateInputsUiSchema,
} from './components/scaffolder/templateInputsValidation';
