import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
  NotifyResourceDeploymentStatusChangeCommand,
} from '@aws-sdk/client-proton';
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
  metricsServiceFactory,
  tracingServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import type { AddressInfo } from 'node:net';
import { awsProtonPlugin } from '../plugin';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';
import { seedWebTemplate } from '../__testUtils__/fleetFixtures';

const database = testDatabaseFactory();

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';

const component = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
});

const SPEC =
  'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8080\n';

/** The text of a tool call's result: its structured output as JSON, or its error message. */
function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as Array<{ type: string; text: string }>)
    .map(part => part.text)
    .join('\n');
}

// against a real control plane: more than jest's 5 s per test on a loaded 2-core machine
jest.setTimeout(60_000);

describe('the AWS Proton actions, through the MCP endpoint', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    // A control plane with the template at 1.0 and 1.1 (recommended) and orders/dev on 1.0.
    controlPlane = await startScratchControlPlane();
    const { client } = controlPlane;
    await seedWebTemplate(controlPlane, ['dev']);
    await client.send(
      new CreateServiceCommand({
        name: 'orders',
        templateName: 'web',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: SPEC,
      }),
    );
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: `${PREFIX}:service/orders/service-instance/dev`,
        status: 'SUCCEEDED',
        outputs: [{ key: 'serviceUrl', valueString: 'http://orders.example' }],
      }),
    );
  }, 60_000);
  afterAll(() => controlPlane?.stop());

  async function connect(allowUpdates: boolean) {
    const backend = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        mcpActionsPlugin,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        metricsServiceFactory,
        tracingServiceFactory,
        catalogServiceMock.factory({
          entities: [
            component('orders', {
              'aws.amazon.com/aws-proton-service': `${PREFIX}:service/orders`,
            }),
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'web',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/web`,
                },
              },
              spec: { type: 'proton-service-template', owner: 'platform' },
            },
          ],
        }),
        mockServices.permissions.factory({
          result: allowUpdates ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['aws-proton'] } },
            aws: {
              accounts: [
                {
                  accountId: '000000000000',
                  accessKeyId: controlPlane.credentials.accessKeyId,
                  secretAccessKey: controlPlane.credentials.secretAccessKey,
                },
              ],
            },
            awsProton: {
              regions: ['us-east-1'],
              accountIds: ['000000000000'],
              endpoint: controlPlane.server.endpoint,
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const mcp = new Client({ name: 'proton-test-agent', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${port}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header() },
          },
        },
      ),
    );
    return {
      mcp,
      async stop() {
        await mcp.close();
        await backend.stop();
      },
    };
  }

  it('lists the actions, marked read-only or destructive', async () => {
    const { mcp, stop } = await connect(true);
    try {
      const { tools } = await mcp.listTools();
      const byName = Object.fromEntries(tools.map(tool => [tool.name, tool]));
      expect(Object.keys(byName).sort()).toEqual([
        'aws-proton.get-service',
        'aws-proton.get-template',
        'aws-proton.upgrade-service-instance',
      ]);
      expect(byName['aws-proton.get-service'].annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
      expect(
        byName['aws-proton.upgrade-service-instance'].annotations,
      ).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
      });
    } finally {
      await stop();
    }
  });

  it("reads a service's instances and standing, and a template's versions and where they run", async () => {
    const { mcp, stop } = await connect(false);
    try {
      const service = await mcp.callTool({
        name: 'aws-proton.get-service',
        arguments: { entityRef: 'orders' },
      });
      expect(service.isError).toBeFalsy();
      expect(service.structuredContent).toMatchObject({
        name: 'orders',
        templateName: 'web',
        recommendedVersion: '1.1',
        instances: [
          {
            name: 'dev',
            environmentName: 'dev',
            deploymentStatus: 'SUCCEEDED',
            templateVersion: '1.0',
            minorUpgradeTo: '1.1',
            outputs: { serviceUrl: 'http://orders.example' },
          },
        ],
      });
      const template = await mcp.callTool({
        name: 'aws-proton.get-template',
        arguments: { entityRef: 'resource:default/web' },
      });
      expect(template.structuredContent).toMatchObject({
        name: 'web',
        kind: 'service',
        recommendedVersion: '1.1',
        versions: [
          {
            version: '1.0',
            recommended: false,
            runs: [
              { serviceName: 'orders', name: 'dev', environmentName: 'dev' },
            ],
          },
          { version: '1.1', recommended: true, runs: [] },
        ],
      });
      const unknown = await mcp.callTool({
        name: 'aws-proton.get-service',
        arguments: { entityRef: 'component:default/nowhere' },
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toContain(
        'No entity component:default/nowhere in the catalog',
      );
    } finally {
      await stop();
    }
  });

  it('refuses the upgrade without the update permission, dry run or not', async () => {
    const { mcp, stop } = await connect(false);
    try {
      for (const dryRun of [true, false]) {
        const refused = await mcp.callTool({
          name: 'aws-proton.upgrade-service-instance',
          arguments: { entityRef: 'orders', instanceName: 'dev', dryRun },
        });
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toContain(
          'You may not redeploy or upgrade the instances of component:default/orders (aws-proton.service-instance.update)',
        );
      }
      const { serviceInstance } = await controlPlane.client.send(
        new GetServiceInstanceCommand({ serviceName: 'orders', name: 'dev' }),
      );
      expect(serviceInstance?.templateMinorVersion).toBe('0');
    } finally {
      await stop();
    }
  });

  it('with the permission: a dry run first, which changes nothing, then the upgrade', async () => {
    const { mcp, stop } = await connect(true);
    try {
      const dryRun = await mcp.callTool({
        name: 'aws-proton.upgrade-service-instance',
        arguments: { entityRef: 'orders', instanceName: 'dev' },
      });
      expect(dryRun.structuredContent).toEqual({
        dryRun: true,
        instanceName: 'dev',
        environmentName: 'dev',
        currentVersion: '1.0',
        targetVersion: '1.1',
        // both versions declare the same inputs: the instance keeps its own
        inputs: {
          kept: [{ path: 'port', value: 8080 }],
          added: [],
          removed: [],
          missing: [],
        },
        // the local runner's steps deploy: it cannot tell the resources ahead
        resources: {
          unavailable: expect.stringMatching(
            /cannot tell the resources before it deploys/,
          ),
        },
      });
      const before = await controlPlane.client.send(
        new GetServiceInstanceCommand({ serviceName: 'orders', name: 'dev' }),
      );
      expect(before.serviceInstance?.templateMinorVersion).toBe('0');

      const upgraded = await mcp.callTool({
        name: 'aws-proton.upgrade-service-instance',
        arguments: { entityRef: 'orders', instanceName: 'dev', dryRun: false },
      });
      expect(upgraded.structuredContent).toMatchObject({
        dryRun: false,
        currentVersion: '1.0',
        targetVersion: '1.1',
        deploymentStatus: 'IN_PROGRESS',
      });
      // a real upgrade plans no resources: it deploys them
      expect(upgraded.structuredContent).not.toHaveProperty('resources');
      const after = await controlPlane.client.send(
        new GetServiceInstanceCommand({ serviceName: 'orders', name: 'dev' }),
      );
      expect(after.serviceInstance).toMatchObject({
        templateMinorVersion: '1',
        deploymentStatus: 'IN_PROGRESS',
      });
    } finally {
      await stop();
    }
  });
});
