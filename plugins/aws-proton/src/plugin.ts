import { coreApis } from '@backstage/frontend-plugin-api';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { awsProtonApiRef } from './api/AwsProtonApi';
import { AwsProtonClient } from './api/AwsProtonClient';
import { protonFieldExtensionOptions } from './components/scaffolder/fieldExtensions';

const protonContentRouteRef = createRouteRef({ id: 'aws-proton:content' });

/**
 * The AWS Proton plugin for Backstage apps on the legacy frontend system.
 *
 * @public
 */
export const awsProtonPlugin = createPlugin({
  id: 'aws-proton',
  apis: [
    createApiFactory({
      api: awsProtonApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: deps => new AwsProtonClient(deps),
    }),
  ],
  routes: { content: protonContentRouteRef },
});

/**
 * The service overview card, for component pages of the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonServiceOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonServiceOverviewCard',
    component: {
      lazy: () =>
        import('./components/ServiceOverviewCard/ServiceOverviewCard').then(
          m => m.ServiceOverviewCard,
        ),
    },
  }),
);

/**
 * The environment overview card, for resource pages of the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonEnvironmentOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonEnvironmentOverviewCard',
    component: {
      lazy: () =>
        import(
          './components/EnvironmentOverviewCard/EnvironmentOverviewCard'
        ).then(m => m.EnvironmentOverviewCard),
    },
  }),
);

/**
 * The template versions card, for the pages of service template and environment template entities
 * in the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonTemplateOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonTemplateOverviewCard',
    component: {
      lazy: () =>
        import('./components/TemplateOverviewCard/TemplateOverviewCard').then(
          m => m.TemplateOverviewCard,
        ),
    },
  }),
);

/**
 * The "Proton" entity tab content, for `EntityLayout.Route` in the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonContent = awsProtonPlugin.provide(
  createRoutableExtension({
    name: 'EntityAwsProtonContent',
    mountPoint: protonContentRouteRef,
    component: () =>
      import('./components/ProtonContent/ProtonContent').then(
        m => m.ProtonContent,
      ),
  }),
);

/**
 * The `ProtonServiceTemplatePicker` scaffolder field, for `ScaffolderFieldExtensions` in the legacy
 * frontend system: published templates with their description and recommended version.
 *
 * @public
 */
export const ProtonServiceTemplatePickerFieldExtension =
  awsProtonPlugin.provide(
    createScaffolderFieldExtension(
      protonFieldExtensionOptions.serviceTemplatePicker,
    ),
  );

/**
 * The `ProtonEnvironmentPicker` scaffolder field, for the legacy frontend system: environments
 * compatible with the chosen service template, with their status.
 *
 * @public
 */
export const ProtonEnvironmentPickerFieldExtension = awsProtonPlugin.provide(
  createScaffolderFieldExtension(protonFieldExtensionOptions.environmentPicker),
);

/**
 * The `ProtonTemplateInputs` scaffolder field, for the legacy frontend system: the chosen template
 * version's inputs as form fields, validated like the actions validate them.
 *
 * @public
 */
export const ProtonTemplateInputsFieldExtension = awsProtonPlugin.provide(
  createScaffolderFieldExtension(protonFieldExtensionOptions.templateInputs),
);

/**
 * The `ProtonServiceInstances` scaffolder field, for the legacy frontend system: the list of a new
 * service's instances, each titled by its name, with an "Add an instance" button; it checks its
 * items' `ProtonTemplateInputs`.
 *
 * @public
 */
export const ProtonServiceInstancesFieldExtension = awsProtonPlugin.provide(
  createScaffolderFieldExtension(protonFieldExtensionOptions.serviceInstances),
);
