import { ProtonEnvironmentPicker } from './ProtonEnvironmentPicker';
import { ProtonServiceInstances } from './ProtonServiceInstances';
import { ProtonServiceTemplatePicker } from './ProtonServiceTemplatePicker';
import { ProtonTemplateInputs } from './ProtonTemplateInputs';
import {
  ProtonTemplateInputsUiSchema,
  validateTemplateInputs,
} from './templateInputsValidation';

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
  serviceInstances: {
    name: 'ProtonServiceInstances',
    component: ProtonServiceInstances,
    // The wizard validates a list with a `ui:field` of its own as one field and skips the fields of its
    // items: the items' `ProtonTemplateInputs` are checked here (no other validated field of the items is)
    validation: (
      value: unknown,
      field: { addError(message: string): void },
      context: Parameters<typeof validateTemplateInputs>[2],
    ) =>
      validateTemplateInputs(value, field, {
        ...context,
        uiSchema: (context.uiSchema as ProtonTemplateInputsUiSchema)?.items,
      }),
  },
};
