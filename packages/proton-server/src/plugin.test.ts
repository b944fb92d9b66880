import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
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
import { rawRequest } from './__testUtils__/rawRequest';
import {
  createEnvironment,
  NOTIFY_OUTPUTS,
  shellEnvironmentBundle,
} from './__testUtils__/shellBundles';
import { writeBundle } from './__testUtils__/templateBundles';
import type { TestServer } from './__testUtils__/testServer';
import { TEST_CREDENTIALS } from './__testUtils__/testServer';
import { protonServerPlugin } from './plugin';

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
      const unsigned = await rawRequest(`http://localhost:${port}`, {
        path: '/api/proton-server/',
        sign: false,
      });
      expect(unsigned.status).toBe(403);
      expect(unsigned.body.__type).toBe(
        'com.amazonaws.proton#MissingAuthenticationTokenException',
      );

      await client.send(new CreateEnvironmentTemplateCommand({ name: 'vpc' }));
      expect(
        (await client.send(new ListEnvironmentTemplatesCommand({})))
          .templates?.[0]?.arn,
      ).toBe('arn:aws:proton:us-east-1:000000000000:environment-template/vpc');

      const source = await writeBundle(
        bundles,
        'templates',
        'vpc.tar.gz',
        shellEnvironmentBundle([
          `jq -n '[{key: "mountedAt", valueString: env.AWS_ENDPOINT_URL_PROTON}]' > outputs.json`,
          NOTIFY_OUTPUTS,
        ]),
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
      await createEnvironment({ client } as TestServer, 'dev');
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
});
