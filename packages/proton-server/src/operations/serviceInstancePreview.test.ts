import fs from 'node:fs';
import path from 'node:path';
import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
  waitUntilEnvironmentDeployed,
  waitUntilServiceInstanceDeployed,
} from '@aws-sdk/client-proton';
import {
  installPulumiFixture,
  PULUMI_FIXTURE,
} from '../__testUtils__/pulumiFixture';
import { rawRequest } from '../__testUtils__/rawRequest';
import {
  codebuildManifest,
  createEnvironment,
} from '../__testUtils__/shellBundles';
import {
  ENVIRONMENT_SCHEMA,
  serviceSchema,
} from '../__testUtils__/templateBundles';
import {
  fastWaiter,
  publishEnvironmentVersion,
  publishServiceVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';
import { createLocalRunner } from '../deployments/localRunner';
import { createSimulateRunner } from '../deployments/simulateRunner';

jest.setTimeout(180_000);

/** A bundle of the fixture's package files around `program` in `folder`. */
function pulumiBundle(
  folder: string,
  schema: string,
  program: string,
  provision: string[],
): Record<string, string> {
  const files: Record<string, string> = {
    'schema/schema.yaml': schema,
    [`${folder}/manifest.yaml`]: codebuildManifest(provision),
    [`${folder}/index.ts`]: program,
  };
  for (const name of ['package.json', 'package-lock.json', 'Pulumi.yaml']) {
    files[`${folder}/${name}`] = fs.readFileSync(
      path.join(PULUMI_FIXTURE, name),
      'utf8',
    );
  }
  return files;
}

/** A service program: a target group on the port, an ECS service, and `extra` resources. */
const serviceProgram = (desiredCount: number, extra = '') => `
import * as pulumi from '@pulumi/pulumi';
const config = new pulumi.Config();
const name = config.require('protonServiceName') + '-' + config.require('protonServiceInstanceName');
const port = config.requireNumber('port');
if (port === 9999) throw new Error('port 9999 is reserved');
// named by Pulumi (logical name, hyphen, 7 characters): longer than the 32 characters AWS allows
if (port === 8888) new pulumi.CustomResource('aws:lb/targetGroup:TargetGroup', name + '-alternate-listener', { port });
new pulumi.CustomResource('aws:lb/targetGroup:TargetGroup', name, { name, port });
new pulumi.CustomResource('aws:ecs/service:Service', name, { name, desiredCount: ${desiredCount} });
${extra}
export const url = 'http://' + name;
`;

const SPEC = (port: number) =>
  `proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: ${port}\n`;

async function preview(test: TestServer, input: Record<string, unknown>) {
  return rawRequest(test.endpoint, {
    path: '/previews/update-service-instance',
    body: JSON.stringify({ serviceName: 'api', name: 'dev', ...input }),
  });
}

describe('the update preview route', () => {
  let test: TestServer | undefined;
  afterEach(async () => {
    await test?.stop();
    test = undefined;
  });

  /** A service `api` with an instance `dev` on `web` 1.0, and `web` 1.1 published. */
  async function deployService(
    runner = createSimulateRunner({
      nodeModulesSources: [path.dirname(PULUMI_FIXTURE)],
      install: false,
    }),
    provision = ['exit 1'],
  ) {
    test = await startTemplateTestServer({
      deploymentRunner: runner,
      bundleLimits: { maxBundleBytes: 1024 * 1024 },
    });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      pulumiBundle(
        'infrastructure',
        ENVIRONMENT_SCHEMA,
        fs.readFileSync(path.join(PULUMI_FIXTURE, 'index.ts'), 'utf8'),
        provision,
      ),
    );
    await createEnvironment(test, 'dev');
    await waitUntilEnvironmentDeployed(
      { ...fastWaiter(test), maxWaitTime: 60 },
      { name: 'dev' },
    );
    await publishServiceVersion(
      test,
      pulumiBundle(
        'instance_infrastructure',
        serviceSchema(),
        serviceProgram(1),
        provision,
      ),
    );
    await publishServiceVersion(
      test,
      pulumiBundle(
        'instance_infrastructure',
        serviceSchema(),
        serviceProgram(
          2,
          "new pulumi.CustomResource('aws:cloudwatch/logGroup:LogGroup', name, { retentionInDays: 7 });",
        ),
        provision,
      ),
      '1',
      'web-1.1.tar.gz',
    );
    await test.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: SPEC(80),
      }),
    );
    await waitUntilServiceInstanceDeployed(
      { ...fastWaiter(test), maxWaitTime: 60 },
      { serviceName: 'api', name: 'dev' },
    );
    return test;
  }

  it('says what an upgrade and a spec change would do to the resources, deploying nothing', async () => {
    if (!(await installPulumiFixture())) return;
    const server = await deployService();

    const upgrade = await preview(server, {
      deploymentType: 'MINOR_VERSION',
      templateMinorVersion: '1',
    });
    expect(upgrade.status).toBe(200);
    expect(upgrade.body).toEqual({
      targetVersion: '1.1',
      resources: {
        changes: [
          {
            action: 'create',
            type: 'aws:cloudwatch/logGroup:LogGroup',
            name: 'api-dev',
          },
          {
            action: 'update',
            type: 'aws:ecs/service:Service',
            name: 'api-dev',
            changedInputs: ['desiredCount'],
          },
        ],
        unchanged: 1,
      },
    });

    const port = await preview(server, {
      deploymentType: 'CURRENT_VERSION',
      spec: SPEC(8080),
    });
    // AWS cannot change a target group's port: the provider replaces it
    expect(port.body.resources.changes).toEqual([
      {
        action: 'replace',
        type: 'aws:lb/targetGroup:TargetGroup',
        name: 'api-dev',
        changedInputs: ['port'],
      },
    ]);

    // what the deployment would fail with, in the program's words
    const failing = await preview(server, {
      deploymentType: 'CURRENT_VERSION',
      spec: SPEC(9999),
    });
    expect(failing.body.failed).toMatch(
      /^The deployment of version 1\.0 fails: .*port 9999 is reserved/s,
    );
    expect(failing.body.resources).toBeUndefined();
    // in words: no stack frame, no path of the server (those are in the plan's log)
    expect(failing.body.failed).not.toMatch(/\n|\/|\bat .*:\d+/);

    // a name AWS would refuse, before any real deployment meets it
    const misnamed = await preview(server, {
      deploymentType: 'CURRENT_VERSION',
      spec: SPEC(8888),
    });
    expect(misnamed.body.failed).toMatch(
      /^The deployment of version 1\.0 fails: .*AWS would refuse a name the program gives: aws:lb\/targetGroup:TargetGroup "api-dev-alternate-listener": the target group name "api-dev-alternate-listener-[0-9a-f]{7}" has more than 32 characters \(34\)/,
    );

    // refused as UpdateServiceInstance would refuse it
    const invalid = await preview(server, {
      deploymentType: 'CURRENT_VERSION',
      spec: SPEC(80).replace('port: 80', 'port: eighty'),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.__type).toBe(
      'com.amazonaws.proton#ValidationException',
    );
    const missing = await preview(server, {
      name: 'prod',
      deploymentType: 'CURRENT_VERSION',
    });
    expect(missing.status).toBe(404);
    const unsigned = await rawRequest(server.endpoint, {
      path: '/previews/update-service-instance',
      body: JSON.stringify({
        serviceName: 'api',
        name: 'dev',
        deploymentType: 'CURRENT_VERSION',
      }),
      sign: false,
    });
    expect(unsigned.status).toBe(403);
    for (const [contentType, named] of [
      ['text/plain', 'not text/plain'],
      [
        'application/x-www-form-urlencoded',
        'not application/x-www-form-urlencoded',
      ],
      ['', 'the request named none'],
    ]) {
      const refused = await rawRequest(server.endpoint, {
        path: '/previews/update-service-instance',
        body: JSON.stringify({
          serviceName: 'api',
          name: 'dev',
          deploymentType: 'CURRENT_VERSION',
        }),
        headers: { 'content-type': contentType },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain(named);
    }
    const plainJson = await rawRequest(server.endpoint, {
      path: '/previews/update-service-instance',
      body: JSON.stringify({
        serviceName: 'api',
        name: 'dev',
        deploymentType: 'CURRENT_VERSION',
      }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(plainJson.status).toBe(200);

    // nothing was deployed: the instance still runs 1.0 and its last deployment is the create
    const { serviceInstance } = await server.client.send(
      new GetServiceInstanceCommand({
        serviceName: 'api',
        name: 'dev',
      }),
    );
    expect(serviceInstance).toMatchObject({
      templateMinorVersion: '0',
      deploymentStatus: 'SUCCEEDED',
    });
    expect(serviceInstance!.lastAttemptedDeploymentId).toBe(
      serviceInstance!.lastSucceededDeploymentId,
    );
  });

  it('says when the runner cannot tell the resources before it deploys', async () => {
    const server = await deployService(createLocalRunner(), ['echo deployed']);
    const response = await preview(server, {
      deploymentType: 'MINOR_VERSION',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      targetVersion: '1.1',
      unavailable: expect.stringMatching(
        /cannot tell the resources before it deploys: its steps deploy \(the simulate runner plans ahead\)$/,
      ),
    });
  });
});
