import { ProtonEnvironmentPicker } from './ProtonEnvironmentPicker';
import { ProtonServiceTemplatePicker } from './ProtonServiceTemplatePicker';
import { ProtonTemplateInputs } from './ProtonTemplateInputs';
import { validateTemplateInputs } from './templateInputsValidation';

/**
 * The scaffolder field extensions of this plugin, as options for `createScaffolderFieldExtension`
 * (legacy frontend system) and `createFormField` (new frontend system). Their names are the
 * `ui:field` values templates use.
 *
 * @public
 */
export const protonFieldExtensionOptions = {
  serviceTemplatePicker: {
    name: 'ProtonServiceTemplatePicker',
    component: ProtonServiceTemplatePicker,
    validation: (
      value: unknown,
      field: { addError(message: string): void },
    ) => {
      const choice = value as
        | { name?: string; minorVersion?: string }
        | undefined;
      if (choice?.name && !choice.minorVersion) {
        field.addError('Choose a version of the template');
      }
    },
  },
  environmentPicker: {
    name: 'ProtonEnvironmentPicker',
    component: ProtonEnvironmentPicker,
  },
  templateInputs: {
    name: 'ProtonTemplateInputs',
    component: ProtonTemplateInputs,
    validation: validateTemplateInputs,
  },
};
