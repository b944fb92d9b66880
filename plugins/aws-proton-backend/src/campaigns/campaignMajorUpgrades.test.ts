import {
  GetEnvironmentCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  CampaignRequest,
  parseProtonArn,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
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
import { CampaignService } from './CampaignService';
import { migrateCampaignStore } from './campaignStore';

/**
 * Minor upgrades by default, major upgrades where the inputs allow, against a real control plane:
 * the templates have 1.0, 1.1 and a 2.0 whose schema refuses some of what runs 1.x.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const SERVICE_TEMPLATE = parseProtonArn(`${PREFIX}:service-template/api`);
const ENV_TEMPLATE = parseProtonArn(`${PREFIX}:environment-template/net`);

/** A service template's schema; `v2` caps the port and adds a required pipeline input. */
function serviceSchema(v2: boolean): string {
  return `schema:
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
          default: 80${v2 ? '\n          maximum: 1024' : ''}
    PipelineInput:
      type: object
      required: [unit_test_command${v2 ? ', lint_command' : ''}]
      properties:
        unit_test_command:
          type: string${
            v2 ? '\n        lint_command:\n          type: string' : ''
          }
`;
}

/** An environment template's schema; in `v2` the VPC range, optional before, is required. */
function environmentSchema(v2: boolean): string {
  return `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "EnvironmentInput"
  types:
    EnvironmentInput:
      type: object${v2 ? '\n      required: [vpc_cidr]' : ''}
      properties:
        vpc_cidr:
          type: string
`;
}

const MANIFEST = `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        provision: [echo provision]
        deprovision: [echo deprovision]
`;

describe('upgrade campaigns across major versions', () => {
  let controlPlane: ScratchControlPlane;
  let knex: Knex;
  let campaigns: CampaignService;

  const version = (found?: {
    templateMajorVersion?: string;
    templateMinorVersion?: string;
  }) => `${found?.templateMajorVersion}.${found?.templateMinorVersion}`;

  /** What each target would do or why not: `label from → to TYPE STATUS (message)`. */
  async function plan(template: ProtonArn, request: CampaignRequest = {}) {
    const planned = await campaigns.start(
      template,
      { ...request, dryRun: true },
      mockCredentials.user(),
    );
    return planned.targets.map(
      t =>
        `${t.serviceName ? `${t.serviceName}/` : ''}${t.name} ${
          t.fromVersion
        } → ${t.toVersion} ${t.deploymentType} ${t.status}${
          t.statusMessage ? ` (${t.statusMessage})` : ''
        }`,
    );
  }

  async function run(template: ProtonArn, request: CampaignRequest = {}) {
    const started = await campaigns.start(
      template,
      request,
      mockCredentials.user(),
    );
    for (let step = 0; step < 20; step += 1) {
      await campaigns.advance();
      const { status } = await campaigns.get(started.templateArn, started.id);
      if (status !== 'RUNNING') break;
      await settleDeployments(controlPlane.client);
    }
    return campaigns.get(started.templateArn, started.id);
  }

  async function instance(name: string) {
    return (
      await controlPlane.client.send(
        new GetServiceInstanceCommand({ serviceName: 'orders', name }),
      )
    ).serviceInstance!;
  }

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client, bundlesDirectory } = controlPlane;
    const bundle = (name: string, files: Record<string, string>) =>
      writeTemplateBundle(
        bundlesDirectory,
        { bucket: 'scratch', key: `${name}.tar.gz` },
        { files },
      );
    const net = {
      v1: await bundle('net-1', {
        'schema/schema.yaml': environmentSchema(false),
        'infrastructure/manifest.yaml': MANIFEST,
      }),
      v2: await bundle('net-2', {
        'schema/schema.yaml': environmentSchema(true),
        'infrastructure/manifest.yaml': MANIFEST,
      }),
    };
    const api = {
      v1: await bundle('api-1', {
        'schema/schema.yaml': serviceSchema(false),
        'instance_infrastructure/manifest.yaml': MANIFEST,
        'pipeline_infrastructure/manifest.yaml': MANIFEST,
      }),
      v2: await bundle('api-2', {
        'schema/schema.yaml': serviceSchema(true),
        'instance_infrastructure/manifest.yaml': MANIFEST,
        'pipeline_infrastructure/manifest.yaml': MANIFEST,
      }),
    };
    await seedProtonResources(client, {
      environmentTemplates: [
        {
          name: 'net',
          versions: [
            { version: '1.0', source: net.v1, publish: true },
            { version: '1.1', source: net.v1, publish: true },
            { version: '2.0', source: net.v2, publish: true },
          ],
        },
      ],
      serviceTemplates: [
        {
          name: 'api',
          compatibleEnvironmentTemplates: [
            { templateName: 'net', majorVersion: '1' },
            { templateName: 'net', majorVersion: '2' },
          ],
          versions: [
            { version: '1.0', source: api.v1, publish: true },
            { version: '1.1', source: api.v1, publish: true },
            { version: '2.0', source: api.v2, publish: true },
          ],
        },
      ],
      environments: [
        { name: 'dev', spec: 'spec:\n  vpc_cidr: 10.0.0.0/16\n' },
        { name: 'prod', spec: 'spec: {}\n' },
      ].map(({ name, spec }) => ({
        name,
        templateName: 'net',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: `proton: EnvironmentSpec\n${spec}`,
      })),
    });
    await settleDeployments(client);
    await seedProtonResources(client, {
      services: [
        {
          name: 'orders',
          templateName: 'api',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          // dev's port fits 2.0, prod's does not; the pipeline lacks 2.0's lint_command
          spec: `proton: ServiceSpec
pipeline:
  unit_test_command: npm test
instances:
  - name: dev
    environment: dev
    spec:
      port: 80
  - name: prod
    environment: prod
    spec:
      port: 8080
`,
          repositoryConnectionArn:
            'arn:aws:codestar-connections:us-east-1:000000000000:connection/a1b2c3d4-5678-90ab-cdef-000000000001',
          repositoryId: 'acme/orders',
          branchName: 'main',
        },
      ],
    });
    await settleDeployments(client);
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrateCampaignStore(knex);
    campaigns = createCampaignService({
      knex,
      clients: scratchClients(controlPlane),
      entities: [
        catalogEntity('Component', 'orders', `${PREFIX}:service/orders`),
        catalogEntity('Resource', 'dev', `${PREFIX}:environment/dev`),
        catalogEntity('Resource', 'prod', `${PREFIX}:environment/prod`),
      ],
    });
  });

  afterAll(async () => {
    await knex?.destroy();
    await controlPlane?.stop();
  });

  it('moves an older major version to its newest minor by default, and across only where the inputs validate', async () => {
    // the recommended version is 2.0; by default, 1.0 moves to 1.1 (MINOR_VERSION)
    expect(await plan(SERVICE_TEMPLATE)).toEqual([
      'orders/dev 1.0 → 1.1 MINOR_VERSION PENDING',
      'orders/prod 1.0 → 1.1 MINOR_VERSION PENDING',
      'orders/pipeline 1.0 → 1.1 MINOR_VERSION PENDING',
    ]);
    // with major upgrades, each target's inputs are checked against 2.0's schema first
    expect(
      await plan(SERVICE_TEMPLATE, { includeMajorUpgrades: true }),
    ).toEqual([
      'orders/dev 1.0 → 2.0 MAJOR_VERSION PENDING',
      "orders/prod 1.0 → 2.0 MAJOR_VERSION SKIPPED (needs a developer's input for 2.0: port: must be <= 1024)",
      "orders/pipeline 1.0 → 2.0 MAJOR_VERSION SKIPPED (needs a developer's input for 2.0: pipeline.lint_command: is required)",
    ]);

    const minor = await run(SERVICE_TEMPLATE);
    expect([minor.status, minor.statusMessage]).toEqual([
      'SUCCEEDED',
      'Upgraded 2 service instances and 1 pipeline to 1.1',
    ]);
    expect(version(await instance('prod'))).toBe('1.1');
    // on 1.x's newest, only a major upgrade is left: a default campaign leaves them alone, saying so
    expect(await plan(SERVICE_TEMPLATE)).toEqual([
      'orders/dev 1.1 → 1.1 MINOR_VERSION SKIPPED (runs 1.1, and no newer 1.x is published; 2.0 is a major upgrade, which this campaign does not include)',
      'orders/prod 1.1 → 1.1 MINOR_VERSION SKIPPED (runs 1.1, and no newer 1.x is published; 2.0 is a major upgrade, which this campaign does not include)',
      'orders/pipeline 1.1 → 1.1 MINOR_VERSION SKIPPED (runs 1.1, and no newer 1.x is published; 2.0 is a major upgrade, which this campaign does not include)',
    ]);

    const major = await run(SERVICE_TEMPLATE, { includeMajorUpgrades: true });
    expect([major.status, major.statusMessage]).toEqual([
      'SUCCEEDED',
      'Upgraded 1 service instance to 2.0',
    ]);
    const dev = await instance('dev');
    expect([version(dev), dev.deploymentStatus]).toEqual(['2.0', 'SUCCEEDED']);
    expect(version(await instance('prod'))).toBe('1.1');
    const { service } = await controlPlane.client.send(
      new GetServiceCommand({ name: 'orders' }),
    );
    expect(version(service?.pipeline)).toBe('1.1');
  });

  it("checks an environment's inputs before a major upgrade", async () => {
    expect(await plan(ENV_TEMPLATE, { includeMajorUpgrades: true })).toEqual([
      'dev 1.0 → 2.0 MAJOR_VERSION PENDING',
      "prod 1.0 → 2.0 MAJOR_VERSION SKIPPED (needs a developer's input for 2.0: spec.vpc_cidr: is required)",
    ]);
    // a given target version of the same major is a minor upgrade for everything on that major
    expect(await plan(ENV_TEMPLATE, { targetVersion: '1.1' })).toEqual([
      'dev 1.0 → 1.1 MINOR_VERSION PENDING',
      'prod 1.0 → 1.1 MINOR_VERSION PENDING',
    ]);

    const major = await run(ENV_TEMPLATE, { includeMajorUpgrades: true });
    expect(major.statusMessage).toBe('Upgraded 1 environment to 2.0');
    const { environment: dev } = await controlPlane.client.send(
      new GetEnvironmentCommand({ name: 'dev' }),
    );
    expect(version(dev)).toBe('2.0');
    // its spec is kept
    expect(dev?.spec).toContain('vpc_cidr: 10.0.0.0/16');
  });
});
