import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  parseProtonSchema,
  toJsonSchema,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonTarget } from '@proton-platform/plugin-aws-proton-node';
import { JsonObject } from '@backstage/types';
import { AwsProtonEntityDefaults, protonEntityName } from './protonEntities';
import { PublishedServiceTemplateVersion } from './protonInventory';

const PROTON_NAME = {
  type: 'string',
  pattern: '^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$',
  maxLength: 100,
};

/**
 * The service's lifecycle, chosen in the wizard and kept as the Proton tag `backstage:lifecycle`,
 * which the provider reads into the entity's `spec.lifecycle` (Backstage's own lifecycle values).
 */
const LIFECYCLE_PARAMETER = {
  type: 'string',
  title: 'Lifecycle',
  description: 'How far along the service is; its catalog entity shows it',
  enum: ['experimental', 'production', 'deprecated'],
  default: 'experimental',
};

/** A wizard run without the parameter (the action called directly) tags `experimental`. */
const LIFECYCLE_TAG_VALUE = "${{ parameters.lifecycle or 'experimental' }}";

/**
 * A scaffolder Template entity for one published major version of a service template: its form is
 * built from the version's `schema.yaml` with the same converter the actions validate with, and its
 * step calls `aws:proton:create-service`. Its card on the Create page says which template it is for
 * (the template's display name and description; a version's own description is a change note, not a
 * purpose), so that it does not look like the hand-written "Create a Fargate service on Proton".
 */
export function serviceTemplateWizard(
  version: PublishedServiceTemplateVersion,
  template: { arn: string; displayName?: string; description?: string },
  target: ProtonTarget,
  defaults: AwsProtonEntityDefaults,
): Entity {
  const templateArn = template.arn;
  const schema = parseProtonSchema(version.schema);
  // JSON Schema objects are plain JSON data
  const instanceInputs = toJsonSchema(schema, 'service') as JsonObject;
  // A pipeline type that is named but not defined (seen in published samples) declares no inputs
  const hasPipelineInputs =
    schema.pipelineInputType !== undefined &&
    schema.types[schema.pipelineInputType] !== undefined;
  // Pipeline inputs only count when Proton provisions the template's pipeline
  const withPipeline = version.withPipeline === true;
  const hasPipeline = withPipeline && hasPipelineInputs;
  const label = `${version.templateName} ${version.majorVersion}`;
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: protonEntityName(
        `proton-${version.templateName}-v${version.majorVersion}`,
      ),
      title: `Create a service from ${
        template.displayName ?? label
      } (${label}, AWS Proton)`,
      description: `${
        template.description
          ? `${template.description.replace(/\.?$/, '.')} `
          : ''
      }A form made from the inputs of the service template ${label} (${
        version.majorVersion
      }.${version.minorVersion}): one instance per environment${
        withPipeline ? ", and the pipeline's repository" : ''
      }. Creates the service, waits for its deployments, and adds it to the catalog.`,
      tags: ['aws-proton', 'generated'],
      annotations: {
        [AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION]: templateArn,
        [ANNOTATION_LOCATION]: defaults.location,
        [ANNOTATION_ORIGIN_LOCATION]: defaults.location,
      },
    },
    spec: {
      owner: defaults.owner,
      type: 'service',
      parameters: [
        {
          title: 'Service',
          required: ['serviceName', 'owner'],
          properties: {
            serviceName: {
              ...PROTON_NAME,
              title: 'Name',
              description:
                'The name of the Proton service and of its catalog entity',
            },
            description: { type: 'string', title: 'Description' },
            owner: {
              type: 'string',
              title: 'Owner',
              'ui:field': 'OwnerPicker',
              'ui:options': { catalogFilter: { kind: ['Group', 'User'] } },
            },
            lifecycle: LIFECYCLE_PARAMETER,
          },
        },
        {
          title: 'Instances',
          required: ['instances'],
          properties: {
            instances: {
              type: 'array',
              title: 'Instances',
              description: 'One instance per environment the service runs in',
              // each item titled by its instance's name, and an "Add an instance" button
              'ui:field': 'ProtonServiceInstances',
              minItems: 1,
              maxItems: 20,
              items: {
                type: 'object',
                required: ['name', 'environment'],
                properties: {
                  name: { ...PROTON_NAME, title: 'Instance name' },
                  environment: {
                    type: 'string',
                    title: 'Environment',
                    'ui:field': 'ProtonEnvironmentPicker',
                    'ui:options': {
                      templateName: version.templateName,
                      templateMajorVersion: version.majorVersion,
                    },
                  },
                  inputs: { ...instanceInputs, title: 'Inputs' },
                },
              },
            },
          },
        },
        ...(withPipeline
          ? [
              {
                title: 'Pipeline',
                description:
                  'The pipeline builds the repository into an image on each commit of the branch and rolls every instance to it',
                required: ['repoUrl', 'repositoryConnectionArn', 'branchName'],
                properties: {
                  repoUrl: {
                    type: 'string',
                    title: 'Repository',
                    'ui:field': 'RepoUrlPicker',
                  },
                  repositoryConnectionArn: {
                    type: 'string',
                    title: 'Repository connection',
                    description:
                      'The ARN of the CodeStar connection (AWS CodeConnections) to the repository provider',
                    pattern:
                      '^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$',
                  },
                  branchName: {
                    type: 'string',
                    title: 'Branch',
                    description: 'The branch the pipeline builds',
                    default: 'main',
                  },
                  ...(hasPipeline
                    ? {
                        pipeline: {
                          ...(toJsonSchema(schema, 'pipeline') as JsonObject),
                          title: 'Pipeline inputs',
                        },
                      }
                    : {}),
                },
              },
            ]
          : []),
      ],
      steps: [
        {
          id: 'create',
          name: 'Create the Proton service',
          action: 'aws:proton:create-service',
          input: {
            serviceName: '${{ parameters.serviceName }}',
            description: '${{ parameters.description }}',
            templateName: version.templateName,
            templateMajorVersion: version.majorVersion,
            accountId: target.accountId,
            region: target.region,
            instances: '${{ parameters.instances }}',
            ...(hasPipeline ? { pipeline: '${{ parameters.pipeline }}' } : {}),
            ...(withPipeline
              ? {
                  repository: '${{ parameters.repoUrl | parseRepoUrl }}',
                  repositoryConnectionArn:
                    '${{ parameters.repositoryConnectionArn }}',
                  branchName: '${{ parameters.branchName }}',
                }
              : {}),
            tags: {
              'backstage:owner': '${{ parameters.owner }}',
              'backstage:lifecycle': LIFECYCLE_TAG_VALUE,
            },
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.create.output.entityRef }}',
          },
        ],
      },
    },
  };
}
