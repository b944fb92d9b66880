import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentTemplatesCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { writeTemplateBundle } from '@proton-platform/proton-server';
import { protonServerPlugin } from './plugin';

const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDPLUGINTEST',
  secretAccessKey: 'plugin-test-secret',
};

/** An environment bundle whose provisioning reports where the control plane was reached. */
const ENVIRONMENT_BUNDLE = {
  'schema/schema.yaml':
    'schema:\n  format:\n    openapi: "3.0.0"\n  environment_input_type: "Inputs"\n  types:\n    Inputs:\n      type: object\n      properties: {}\n',
  'infrastructure/manifest.yaml': `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        provision: ${JSON.stringify([
          `jq -n '[{key: "mountedAt", valueString: env.AWS_ENDPOINT_URL_PROTON}]' > outputs.json`,
          'aws proton notify-resource-deployment-status-change --resource-arn $RESOURCE_ARN --status IN_PROGRESS --outputs file://./outputs.json',
        ])}
`,
};

jest.setTimeout(60_000);

describe('the proton-server backend plugin', () => {
  let work: string;
  beforeEach(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'proton-plugin-'));
  });
  afterEach(async () => {
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  it('serves the Proton API under /api/proton-server, signed, and runs deployments that call back', async () => {
    const bundles = path.join(work, 'bundles');
    const backend = await startTestBackend({
      features: [
        protonServerPlugin,
        mockServices.rootConfig.factory({
          data: {
            protonServer: {
              bundlesDirectory: bundles,
              workDirectory: path.join(work, 'work'),
              storageDirectory: path.join(work, 'templates'),
              credentials: [TEST_CREDENTIALS],
              runner: 'local',
              deployments: { timeoutSeconds: 60, concurrency: 2 },
            },
          },
        }),
      ],
    });
    const port = (backend.server.address() as AddressInfo).port;
    const endpoint = `http://localhost:${port}/api/proton-server`;
    const client = new ProtonClient({
      region: 'us-east-1',
      endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      // Unsigned requests are refused by the control plane, not by Backstage.
      const unsigned = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AwsProton20200720.ListServiceTemplates',
        },
        body: '{}',
      });
      expect(unsigned.status).toBe(403);
      expect((await unsigned.json()).__type).toBe(
        'com.amazonaws.proton#MissingAuthenticationTokenException',
      );

      await client.send(new CreateEnvironmentTemplateCommand({ name: 'vpc' }));
      expect(
        (await client.send(new ListEnvironmentTemplatesCommand({})))
          .templates?.[0]?.arn,
      ).toBe('arn:aws:proton:us-east-1:000000000000:environment-template/vpc');

      const source = await writeTemplateBundle(
        bundles,
        { bucket: 'templates', key: 'vpc.tar.gz' },
        { files: ENVIRONMENT_BUNDLE },
      );
      await client.send(
        new CreateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          source: { s3: source },
        }),
      );
      const waiter = { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 };
      await waitUntilEnvironmentTemplateVersionRegistered(waiter, {
        templateName: 'vpc',
        majorVersion: '1',
        minorVersion: '0',
      });
      await client.send(
        new UpdateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion: '0',
          status: 'PUBLISHED',
        }),
      );
      await client.send(
        new CreateEnvironmentCommand({
          name: 'dev',
          templateName: 'vpc',
          templateMajorVersion: '1',
          spec: 'proton: EnvironmentSpec\nspec: {}\n',
        }),
      );
      await waitUntilEnvironmentDeployed(waiter, { name: 'dev' });
      const { outputs } = await client.send(
        new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
      );
      expect(outputs).toEqual([{ key: 'mountedAt', valueString: endpoint }]);
    } finally {
      client.destroy();
      await backend.stop();
    }
  });

  it('refuses to start without credentials, naming the setting', async () => {
    await expect(
      startTestBackend({
        features: [
          protonServerPlugin,
          mockServices.rootConfig.factory({
            data: { protonServer: { bundlesDirectory: work } },
          }),
        ],
      }),
    ).rejects.toThrow(
      /protonServer\.credentials is not set: the control plane would accept no request/,
    );
  });
});
