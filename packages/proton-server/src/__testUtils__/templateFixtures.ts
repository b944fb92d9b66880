import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  UpdateServiceTemplateVersionCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  UpdateEnvironmentTemplateVersionCommand,
  GetEnvironmentTemplateVersionCommand,
} from '@aws-sdk/client-proton';
import { environmentBundleFiles, writeBundle } from './templateBundles';
import { startTestServer, TestServer } from './testServer';
import type { ProtonServerOptions } from '../ProtonServer';

/** Waiter settings that poll every second for at most 20 seconds. */
export function fastWaiter(test: TestServer) {
  return { client: test.client, maxWaitTime: 20, minDelay: 1, maxDelay: 1 };
}

/** A test server with an environment template `vpc` and a service template `web`, bundles up to 64 KiB. */
export async function startTemplateTestServer(
  options: Partial<ProtonServerOptions> = {},
): Promise<TestServer> {
  const test = await startTestServer({
    bundleLimits: { maxBundleBytes: 64 * 1024 },
    ...options,
  });
  await test.client.send(new CreateEnvironmentTemplateCommand({ name: 'vpc' }));
  // CUSTOMER_MANAGED: Proton provides no pipeline, so the bundles need no pipeline_infrastructure/
  await test.client.send(
    new CreateServiceTemplateCommand({
      name: 'web',
      pipelineProvisioning: 'CUSTOMER_MANAGED',
    }),
  );
  return test;
}

/** Creates a version of `vpc` from a valid bundle and waits until it is registered. */
export async function registerEnvironmentVersion(
  test: TestServer,
  key = 'vpc.tar.gz',
  majorVersion?: string,
  files: Record<string, string> = environmentBundleFiles(),
) {
  const source = await writeBundle(
    test.bundlesDirectory,
    'templates',
    key,
    files,
  );
  const created = await test.client.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      source: { s3: source },
      majorVersion,
    }),
  );
  const version = created.environmentTemplateVersion!;
  await test.server.settled();
  const registered = await test.client.send(
    new GetEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      majorVersion: version.majorVersion!,
      minorVersion: version.minorVersion!,
    }),
  );
  if (registered.environmentTemplateVersion?.status !== 'DRAFT') {
    throw new Error(
      `vpc ${version.majorVersion}.${version.minorVersion} did not register: ${registered.environmentTemplateVersion?.statusMessage}`,
    );
  }
  return version;
}

/** Creates a version of `web` (compatible with `vpc` 1) from a bundle of `files`, without waiting. */
export async function createServiceVersion(
  test: TestServer,
  files: Record<string, string>,
  majorVersion?: string,
  key = 'web.tar.gz',
) {
  const source = await writeBundle(
    test.bundlesDirectory,
    'templates',
    key,
    files,
  );
  const created = await test.client.send(
    new CreateServiceTemplateVersionCommand({
      templateName: 'web',
      source: { s3: source },
      majorVersion,
      compatibleEnvironmentTemplates: [
        { templateName: 'vpc', majorVersion: '1' },
      ],
      description: 'web bundle',
    }),
  );
  return created.serviceTemplateVersion!;
}

/** Registers and publishes a version of `vpc`. */
export async function publishEnvironmentVersion(
  test: TestServer,
  key = 'vpc.tar.gz',
  majorVersion?: string,
  files?: Record<string, string>,
) {
  const version = await registerEnvironmentVersion(
    test,
    key,
    majorVersion,
    files,
  );
  await test.client.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      majorVersion: version.majorVersion!,
      minorVersion: version.minorVersion!,
      status: 'PUBLISHED',
    }),
  );
  return version;
}

/** Registers and publishes a version of `web` (compatible with `vpc` 1). */
export async function publishServiceVersion(
  test: TestServer,
  files: Record<string, string>,
  majorVersion?: string,
  key = 'web.tar.gz',
) {
  const version = await createServiceVersion(test, files, majorVersion, key);
  await test.server.settled();
  await test.client.send(
    new UpdateServiceTemplateVersionCommand({
      templateName: 'web',
      majorVersion: version.majorVersion!,
      minorVersion: version.minorVersion!,
      status: 'PUBLISHED',
    }),
  );
  return version;
}

/** Creates an environment of `vpc` 1 and reports its deployment SUCCEEDED with `outputs`. */
export async function deployEnvironment(
  test: TestServer,
  name: string,
  outputs: Array<{ key: string; valueString: string }> = [],
) {
  await test.client.send(
    new CreateEnvironmentCommand({
      name,
      templateName: 'vpc',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    }),
  );
  await test.client.send(
    new NotifyResourceDeploymentStatusChangeCommand({
      resourceArn: `arn:aws:proton:us-east-1:000000000000:environment/${name}`,
      status: 'SUCCEEDED',
      outputs,
    }),
  );
}
