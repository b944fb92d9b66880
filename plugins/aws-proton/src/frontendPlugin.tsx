import {
  ApiBlueprint,
  coreApis,
  createApiFactory,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
} from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from './api/AwsProtonApi';
import { AwsProtonClient } from './api/AwsProtonClient';

const awsProtonApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams(
      createApiFactory({
        api: awsProtonApiRef,
        deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
        factory: deps => new AwsProtonClient(deps),
      }),
    ),
});

/**
 * The service overview card, on entities that carry the service annotation (as Backstage's own
 * cards show only where they apply; placed by hand on another entity, its empty state explains the
 * annotation).
 */
const serviceOverviewCard = EntityCardBlueprint.make({
  name: 'service-overview',
  params: {
    filter: entity =>
      Boolean(entity.metadata.annotations?.[AWS_PROTON_SERVICE_ANNOTATION]),
    loader: () =>
      import('./components/ServiceOverviewCard/ServiceOverviewCard').then(m => (
        <m.ServiceOverviewCard />
      )),
  },
});

/** The environment card, on resources that carry the environment annotation. */
const environmentOverviewCard = EntityCardBlueprint.make({
  name: 'environment-overview',
  params: {
    filter: entity =>
      Boolean(entity.metadata.annotations?.[AWS_PROTON_ENVIRONMENT_ANNOTATION]),
    loader: () =>
      import(
        './components/EnvironmentOverviewCard/EnvironmentOverviewCard'
      ).then(m => <m.EnvironmentOverviewCard />),
  },
});

/** The template versions card, on entities that carry a service or environment template annotation. */
const templateOverviewCard = EntityCardBlueprint.make({
  name: 'template-overview',
  params: {
    filter: entity =>
      Boolean(
        entity.metadata.annotations?.[AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION] ??
          entity.metadata.annotations?.[
            AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION
          ],
      ),
    loader: () =>
      import('./components/TemplateOverviewCard/TemplateOverviewCard').then(
        m => <m.TemplateOverviewCard />,
      ),
  },
});

/** The "Proton" tab, on entities that carry the service annotation. */
const protonContent = EntityContentBlueprint.make({
  name: 'proton',
  params: {
    path: 'proton',
    title: 'Proton',
    filter: entity =>
      Boolean(entity.metadata.annotations?.[AWS_PROTON_SERVICE_ANNOTATION]),
    loader: () =>
      import('./components/ProtonContent/ProtonContent').then(m => (
        <m.ProtonContent />
      )),
  },
});

/** The scaffolder form fields: template picker, environment picker, template inputs and instance list. */
const serviceTemplatePickerField = FormFieldBlueprint.make({
  name: 'proton-service-template-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.protonServiceTemplatePickerFormField,
      ),
  },
});
const environmentPickerField = FormFieldBlueprint.make({
  name: 'proton-environment-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.protonEnvironmentPickerFormField,
      ),
  },
});
const templateInputsField = FormFieldBlueprint.make({
  name: 'proton-template-inputs',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.protonTemplateInputsFormField,
      ),
  },
});
const serviceInstancesField = FormFieldBlueprint.make({
  name: 'proton-service-instances',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.protonServiceInstancesFormField,
      ),
  },
});

/**
 * The AWS Proton plugin for the new frontend system.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'aws-proton',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    awsProtonApi,
    serviceOverviewCard,
    environmentOverviewCard,
    templateOverviewCard,
    protonContent,
    serviceTemplatePickerField,
    environmentPickerField,
    templateInputsField,
    serviceInstancesField,
  ],
});
