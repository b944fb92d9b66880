import {
  GetEnvironmentCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-proton';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  campaignTargetLabel,
  parseProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  seedProtonResources,
  writeTemplateBundle,
} from '@proton-platform/proton-server';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import knexFactory, { Knex } from 'knex';
import {
  catalogEntity,
  createCampaignService,
  scratchClients,
  settleDeployments,
} from '../__testUtils__/fleetFixtures';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { CampaignService } from './CampaignService';
import { migrateCampaignStore } from './campaignStore';

/**
 * Campaigns of the other things that run a template, against a real control plane (deployments
 * stay IN_PROGRESS until the test reports their outcome, as a runner would): an environment
 * template's environments (UpdateEnvironment), and a service template's pipelines
 * (UpdateServicePipeline with the spec they run), which follow the service instances' waves.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const ENV_TEMPLATE = parseProtonArn(`${PREFIX}:environment-template/base`);
const SERVICE_TEMPLATE = parseProtonArn(`${PREFIX}:service-template/piped`);

const PIPELINE_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "ServiceInput"
  pipeline_input_type: "PipelineInput"
  types:
    ServiceInput:
      type: object
      properties:
        port:
          type: integer
          default: 80
    PipelineInput:
      type: object
      required: [unit_test_command]
      properties:
        unit_test_command:
          type: string
          minLength: 1
`;

const MANIFEST = `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        provision: [echo provision]
        deprovision: [echo deprovision]
`;

function serviceSpec(command: string, ...environments: string[]): string {
  return `proton: ServiceSpec
pipeline:
  unit_test_command: "${command}"
instances:
${environments
  .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
  .join('')}`;
}

describe('upgrade campaigns of environments and pipelines', () => {
  let controlPlane: ScratchControlPlane;
  let knex: Knex;
  let clients: ProtonClientFactory;
  const notifications = {
    send: jest.fn(async (_options: NotificationSendOptions) => {}),
  };
  beforeEach(() => notifications.send.mockClear());
  /** What the owners were told, as `<recipients>: <title> (<link>)`. */
  const notified = () =>
    notifications.send.mock.calls.map(
      ([{ recipients, payload }]) =>
        `${
          recipients.type === 'entity'
            ? [recipients.entityRef].flat().join(', ')
            : ''
        }: ${payload.title} (${payload.link})`,
    );

  const campaigns = (decide?: (permission: string) => AuthorizeResult) =>
    createCampaignService({
      knex,
      clients,
      entities: [
        catalogEntity('Component', 'orders', `${PREFIX}:service/orders`),
        catalogEntity('Component', 'books', `${PREFIX}:service/books`),
        catalogEntity('Resource', 'dev', `${PREFIX}:environment/dev`),
        catalogEntity('Resource', 'prod', `${PREFIX}:environment/prod`),
      ],
      notifications,
      decide,
    });

  /** Moves the campaign on, ending its deployments, until it ends; what deployed at each step. */
  async function runToEnd(
    service: CampaignService,
    templateArn: string,
    id: string,
    failing: string[] = [],
  ) {
    const steps: string[][] = [];
    for (let step = 0; step < 20; step += 1) {
      await service.advance();
      const { status } = await service.get(templateArn, id);
      if (!['RUNNING', 'STOPPING'].includes(status)) break;
      steps.push(
        await settleDeployments(
          controlPlane.client,
          failing,
          'the stack did not converge',
        ),
      );
    }
    return steps.filter(step => step.length > 0);
  }

  const version = (found?: {
    templateMajorVersion?: string;
    templateMinorVersion?: string;
  }) => `${found?.templateMajorVersion}.${found?.templateMinorVersion}`;

  async function environment(name: string) {
    return (await controlPlane.client.send(new GetEnvironmentCommand({ name })))
      .environment!;
  }

  async function pipeline(serviceName: string) {
    return (
      await controlPlane.client.send(
        new GetServiceCommand({ name: serviceName }),
      )
    ).service!.pipeline!;
  }

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client, bundlesDirectory, noopBundles } = controlPlane;
    const piped = await writeTemplateBundle(
      bundlesDirectory,
      { bucket: 'scratch', key: 'piped.tar.gz' },
      {
        files: {
          'schema/schema.yaml': PIPELINE_SCHEMA,
          'instance_infrastructure/manifest.yaml': MANIFEST,
          'pipeline_infrastructure/manifest.yaml': MANIFEST,
        },
      },
    );
    await seedProtonResources(client, {
      environmentTemplates: [
        {
          name: 'base',
          versions: ['1.0', '1.1'].map(v => ({
            version: v,
            source: noopBundles.environment,
            publish: true,
          })),
        },
      ],
      serviceTemplates: [
        {
          name: 'piped',
          compatibleEnvironmentTemplates: [
            { templateName: 'base', majorVersion: '1' },
          ],
          versions: ['1.0', '1.1'].map(v => ({
            version: v,
            source: piped,
            publish: true,
          })),
        },
      ],
      environments: ['dev', 'prod'].map(name => ({
        name,
        templateName: 'base',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: 'proton: EnvironmentSpec\nspec:\n  port: 8080\n',
      })),
    });
    await settleDeployments(controlPlane.client);
    await seedProtonResources(client, {
      services: ['orders', 'books'].map(name => ({
        name,
        templateName: 'piped',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: serviceSpec(`npm test --workspace ${name}`, 'dev', 'prod'),
        repositoryConnectionArn: `arn:aws:codestar-connections:us-east-1:000000000000:connection/a1b2c3d4-5678-90ab-cdef-00000000000${
          name === 'orders' ? 1 : 2
        }`,
        repositoryId: `acme/${name}`,
        branchName: 'main',
      })),
    });
    await settleDeployments(controlPlane.client);
    // books' pipeline is pinned: AWS tags services, not pipelines
    await client.send(
      new TagResourceCommand({
        resourceArn: `${PREFIX}:service/books`,
        tags: [{ key: 'proton:pinned', value: 'release freeze' }],
      }),
    );
    clients = scratchClients(controlPlane);
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrateCampaignStore(knex);
  });

  afterAll(async () => {
    await knex?.destroy();
    await controlPlane?.stop();
  });

  it("upgrades an environment template's environments wave by wave, and stops at a failed one", async () => {
    const forbidden = await campaigns(name =>
      name === 'aws-proton.environment.update'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    ).start(ENV_TEMPLATE, { dryRun: true }, mockCredentials.user());
    expect(forbidden.targets.map(t => t.statusMessage)).toEqual([
      'you may not upgrade the environment resource:default/dev (aws-proton.environment.update)',
      'you may not upgrade the environment resource:default/prod (aws-proton.environment.update)',
    ]);

    const service = campaigns();
    const plan = await service.start(
      ENV_TEMPLATE,
      { dryRun: true },
      mockCredentials.user(),
    );
    expect(plan).toMatchObject({
      targetVersion: '1.1',
      waves: [['dev'], ['prod']],
    });
    expect(
      plan.targets.map(t => [t.kind, t.name, t.wave, t.status, t.entityRef]),
    ).toEqual([
      ['environment', 'dev', 0, 'PENDING', 'resource:default/dev'],
      ['environment', 'prod', 1, 'PENDING', 'resource:default/prod'],
    ]);

    const first = await service.start(ENV_TEMPLATE, {}, mockCredentials.user());
    expect(
      await runToEnd(service, first.templateArn, first.id, [
        'environment prod',
      ]),
    ).toEqual([['environment dev'], ['environment prod']]);
    const stopped = await service.get(first.templateArn, first.id);
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.statusMessage).toBe(
      'Stopped at environment prod: the stack did not converge',
    );
    const dev = await environment('dev');
    expect(version(dev)).toBe('1.1');
    expect(stopped.targets[0].deploymentId).toBe(dev.lastAttemptedDeploymentId);
    // its spec is kept
    expect(dev.spec).toContain('port: 8080');
    // the environments' owners heard, with a link to the environment's page
    expect(notified()).toEqual([
      'resource:default/dev: environment dev was upgraded to base 1.1 (/catalog/default/resource/dev)',
      'resource:default/prod, user:default/mock: The upgrade campaign of base stopped at environment prod (/catalog/default/resource/prod)',
    ]);

    // As with service instances, the failed environment shows the version it failed on: a campaign
    // to that version leaves it alone (it is redeployed from its page, or a later version's
    // campaign takes it along), and one to an older version does not downgrade it.
    const prod = await environment('prod');
    expect([version(prod), prod.deploymentStatus]).toEqual(['1.1', 'FAILED']);
    const again = await service.start(
      ENV_TEMPLATE,
      { dryRun: true },
      mockCredentials.user(),
    );
    expect(again).toMatchObject({
      status: 'SUCCEEDED',
      statusMessage: 'Nothing to upgrade',
      targets: [],
    });
    const back = await service.start(
      ENV_TEMPLATE,
      { targetVersion: '1.0', targetArns: [prod.arn!], dryRun: true },
      mockCredentials.user(),
    );
    expect(back.targets).toMatchObject([
      {
        name: 'prod',
        fromVersion: '1.1',
        status: 'SKIPPED',
        statusMessage: 'runs 1.1, newer than 1.0',
      },
    ]);
  });

  it("upgrades a service template's instances, then its services' pipelines with their specs, skipping a pinned service's pipeline", async () => {
    const service = campaigns();
    const plan = await service.start(
      SERVICE_TEMPLATE,
      { dryRun: true },
      mockCredentials.user(),
    );
    expect(plan.waves).toEqual([['dev'], ['prod']]);
    expect(
      plan.targets.map(t => `${campaignTargetLabel(t)} wave ${t.wave}`).sort(),
    ).toEqual([
      'books (pipeline) wave 2',
      'books/dev wave 0',
      'books/prod wave 1',
      'orders (pipeline) wave 2',
      'orders/dev wave 0',
      'orders/prod wave 1',
    ]);
    const forbidden = await campaigns(name =>
      name === 'aws-proton.service-pipeline.update'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    ).start(SERVICE_TEMPLATE, { dryRun: true }, mockCredentials.user());
    expect(
      forbidden.targets
        .filter(t => t.status === 'SKIPPED')
        .map(t => t.statusMessage)
        .sort(),
    ).toEqual([
      'you may not upgrade the pipeline of component:default/books (aws-proton.service-pipeline.update)',
      'you may not upgrade the pipeline of component:default/orders (aws-proton.service-pipeline.update)',
    ]);

    const { id, templateArn } = await service.start(
      SERVICE_TEMPLATE,
      {},
      mockCredentials.user(),
    );
    expect(await runToEnd(service, templateArn, id)).toEqual([
      ['books/dev', 'orders/dev'],
      ['books/prod', 'orders/prod'],
      ['orders (pipeline)'],
    ]);
    const done = await service.get(templateArn, id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      statusMessage: 'Upgraded 4 service instances and 1 pipeline to 1.1',
    });
    expect(
      done.targets.find(t => campaignTargetLabel(t) === 'books (pipeline)'),
    ).toMatchObject({
      status: 'SKIPPED',
      statusMessage: 'pinned: release freeze',
    });
    expect(notified()).toContain(
      'component:default/books: piped 1.1 is available for books (pipeline) (/catalog/default/component/books/proton)',
    );
    const orders = await pipeline('orders');
    expect(version(orders)).toBe('1.1');
    expect(orders.spec).toContain('npm test --workspace orders');
    expect(
      done.targets.find(t => campaignTargetLabel(t) === 'orders (pipeline)')
        ?.deploymentId,
    ).toBe(orders.lastAttemptedDeploymentId);
    expect(version(await pipeline('books'))).toBe('1.0');
    const { serviceInstance } = await controlPlane.client.send(
      new GetServiceInstanceCommand({ serviceName: 'books', name: 'prod' }),
    );
    expect(version(serviceInstance)).toBe('1.1');
  });

  it('refuses an ARN that does not run the template, naming what it takes', async () => {
    await expect(
      campaigns().start(
        ENV_TEMPLATE,
        { targetArns: [`${PREFIX}:service/orders/service-instance/dev`] },
        mockCredentials.user(),
      ),
    ).rejects.toThrow(
      `${PREFIX}:service/orders/service-instance/dev does not run the environment template base: it is none of its environments`,
    );
  });
});
