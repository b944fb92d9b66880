import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { protonFieldExtensionOptions } from './fieldExtensions';

/** `ProtonServiceTemplatePicker` for the new frontend system. */
export const protonServiceTemplatePickerFormField = createFormField(
  protonFieldExtensionOptions.serviceTemplatePicker as any,
);

/** `ProtonEnvironmentPicker` for the new frontend system. */
export const protonEnvironmentPickerFormField = createFormField(
  protonFieldExtensionOptions.environmentPicker as any,
);

/** `ProtonTemplateInputs` for the new frontend system. */
export const protonTemplateInputsFormField = createFormField(
  protonFieldExtensionOptions.templateInputs as any,
);

/** `ProtonServiceInstances` for the new frontend system. */
export const protonServiceInstancesFormField = createFormField(
  protonFieldExtensionOptions.serviceInstances as any,
);
