import {
  ListServicesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import scaffolderModuleAwsProton from '@proton-platform/plugin-scaffolder-backend-module-aws-proton';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  noopTemplateBundleFiles,
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import request from 'supertest';
import { serviceTemplateWizard } from './templateWizard';

const ACCOUNT = '000000000000';
const TARGET = { accountId: ACCOUNT, region: 'us-east-1' };
const DEFAULTS = {
  location: 'aws-proton:test',
  owner: 'group:platform',
  lifecycle: 'production',
};

/**
 * A generated wizard, run by Backstage's own scaffolder backend in dry-run mode with the
 * aws:proton actions pointed at a control plane: it must render and pass the actions' checks
 * without creating anything.
 */
// against a real control plane: more than jest's 5 s per test on a loaded 2-core machine
jest.setTimeout(60_000);

describe('the wizard generated for a published service template', () => {
  let scratch: ScratchControlPlane;

  beforeAll(async () => {
    scratch = await startScratchControlPlane();
    const { client, noopBundles } = scratch;
    await seedProtonResources(client, {
      environmentTemplates: [
        {
          name: 'fargate-env',
          versions: [
            { version: '1.0', source: noopBundles.environment, publish: true },
          ],
        },
      ],
      serviceTemplates: [
        {
          name: 'queue-worker',
          pipelineProvisioning: 'CUSTOMER_MANAGED',
          compatibleEnvironmentTemplates: [
            { templateName: 'fargate-env', majorVersion: '1' },
          ],
          versions: [
            { version: '1.0', source: noopBundles.service, publish: true },
          ],
        },
      ],
      environments: [
        {
          name: 'dev',
          templateName: 'fargate-env',
          templateMajorVersion: '1',
          spec: 'proton: EnvironmentSpec\nspec: {}\n',
        },
      ],
    });
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: `arn:aws:proton:us-east-1:${ACCOUNT}:environment/dev`,
        status: 'SUCCEEDED',
      }),
    );
  }, 60_000);

  afterAll(() => scratch?.stop());

  /** The wizard as the provider makes it, from the version the control plane serves. */
  function wizard(majorVersion = '1') {
    return serviceTemplateWizard(
      {
        templateName: 'queue-worker',
        majorVersion,
        minorVersion: '0',
        // the schema the version was registered with: one integer input, port
        schema: noopTemplateBundleFiles('service')['schema/schema.yaml'],
        compatibleEnvironmentTemplates: [
          { templateName: 'fargate-env', majorVersion: '1' },
        ],
      },
      {
        arn: `arn:aws:proton:us-east-1:${ACCOUNT}:service-template/queue-worker`,
        displayName: 'Queue worker',
        description: 'A worker that drains one SQS queue',
      },
      TARGET,
      DEFAULTS,
    );
  }

  async function dryRun(values: Record<string, unknown>, majorVersion = '1') {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleAwsProton,
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [{ accountId: ACCOUNT, ...scratch.credentials }],
            },
            awsProton: {
              regions: ['us-east-1'],
              accountIds: [ACCOUNT],
              endpoint: scratch.server.endpoint,
            },
          },
        }),
      ],
    });
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: wizard(majorVersion),
        values,
        secrets: {},
        directoryContents: [],
      });
    return response;
  }

  async function services() {
    const { services: all = [] } = await scratch.client.send(
      new ListServicesCommand({}),
    );
    return all.map(s => s.name);
  }

  it('says on its card which template it is for, apart from the hand-written wizard', () => {
    const { metadata } = wizard();
    expect(metadata.title).toBe(
      'Create a service from Queue worker (queue-worker 1, AWS Proton)',
    );
    expect(metadata.description).toBe(
      'A worker that drains one SQS queue. A form made from the inputs of the service template queue-worker 1 (1.0): ' +
        'one instance per environment. Creates the service, waits for its deployments, and adds it to the catalog.',
    );
  });

  it('is a valid Template entity', async () => {
    expect(await templateEntityV1beta3Validator.check(wizard())).toBe(true);
  });

  it('runs in a scaffolder dry run and creates nothing', async () => {
    const response = await dryRun({
      serviceName: 'orders',
      owner: 'group:default/platform',
      instances: [{ name: 'dev', environment: 'dev', inputs: { port: 8080 } }],
    });
    expect(response.status).toBe(200);
    const messages = response.body.log.map(
      (entry: { body: { message: string } }) => entry.body.message,
    );
    // the owner and the lifecycle (not chosen: experimental) go to the service's tags
    expect(messages).toContainEqual(
      expect.stringMatching(
        /Dry run: would create the AWS Proton service orders .* and the tags backstage:owner=group:default\/platform, backstage:lifecycle=experimental; the spec is valid/,
      ),
    );
    expect(response.body.steps.map((s: { id: string }) => s.id)).toEqual([
      'create',
    ]);
    expect(response.body.log.map((e: any) => e.body.status)).not.toContain(
      'failed',
    );
    expect(await services()).toEqual([]);
  });

  it('tags the lifecycle chosen in the wizard, which the entity shows', async () => {
    const response = await dryRun({
      serviceName: 'orders',
      owner: 'group:default/platform',
      lifecycle: 'production',
      instances: [{ name: 'dev', environment: 'dev', inputs: { port: 8080 } }],
    });
    expect(response.status).toBe(200);
    expect(
      response.body.log.map(
        (entry: { body: { message: string } }) => entry.body.message,
      ),
    ).toContainEqual(expect.stringContaining('backstage:lifecycle=production'));
  });

  it('refuses an input that breaks the schema before anything runs, naming it', async () => {
    const response = await dryRun({
      serviceName: 'orders',
      owner: 'group:default/platform',
      instances: [{ name: 'dev', environment: 'dev', inputs: { port: 0 } }],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        property: 'instance.instances[0].inputs.port',
        message: 'must be greater than or equal to 1',
      }),
    ]);
    expect(await services()).toEqual([]);
  });

  it('fails the dry run of a wizard whose template version is gone, saying which', async () => {
    const response = await dryRun(
      {
        serviceName: 'orders',
        owner: 'group:default/platform',
        instances: [{ name: 'dev', environment: 'dev', inputs: {} }],
      },
      '2',
    );
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      'The AWS Proton service template "queue-worker" major version 2 has no published minor version in account 000000000000, region us-east-1',
    );
    expect(await services()).toEqual([]);
  });

  it('asks for the repository and the pipeline inputs only when Proton provisions the template’s pipeline', () => {
    const schema = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "In"
  pipeline_input_type: "Pipe"
  types:
    In:
      type: object
      properties:
        port:
          type: integer
          default: 80
    Pipe:
      type: object
      properties:
        dockerfile:
          type: string
          default: Dockerfile
`;
    const make = (withPipeline: boolean) =>
      serviceTemplateWizard(
        {
          templateName: 'queue-worker',
          majorVersion: '1',
          minorVersion: '0',
          schema,
          compatibleEnvironmentTemplates: [],
          withPipeline,
        },
        {
          arn: `arn:aws:proton:us-east-1:${ACCOUNT}:service-template/queue-worker`,
        },
        TARGET,
        DEFAULTS,
      ) as any;
    const piped = make(true);
    const step = piped.spec.parameters.find((p: any) => p.title === 'Pipeline');
    expect(step.required).toEqual([
      'repoUrl',
      'repositoryConnectionArn',
      'branchName',
    ]);
    expect(step.properties.repoUrl['ui:field']).toBe('RepoUrlPicker');
    expect(step.properties.pipeline.properties.dockerfile.default).toBe(
      'Dockerfile',
    );
    expect(piped.spec.steps[0].input).toMatchObject({
      pipeline: '${{ parameters.pipeline }}',
      repository: '${{ parameters.repoUrl | parseRepoUrl }}',
      branchName: '${{ parameters.branchName }}',
    });

    const customerManaged = make(false);
    expect(
      customerManaged.spec.parameters.map((p: any) => p.title),
    ).not.toContain('Pipeline');
    expect(customerManaged.spec.steps[0].input.pipeline).toBeUndefined();
  });
});
