import {
  CreateEnvironmentTemplateVersionCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import {
  environmentBundleFiles,
  rawTarGz,
  serviceBundleFiles,
  serviceSchema,
  writeRawBundle,
} from '../__testUtils__/templateBundles';
import {
  createServiceVersion,
  fastWaiter,
  registerEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

describe('template version registration', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTemplateTestServer();
  });
  afterEach(async () => {
    await test.stop();
  });

  it('fails registration of a minor version that is not backward compatible', async () => {
    await registerEnvironmentVersion(test);
    await createServiceVersion(test, serviceBundleFiles());
    await test.server.settled();
    await createServiceVersion(
      test,
      serviceBundleFiles(serviceSchema('image')),
      '1',
      'v2.tar.gz',
    );
    const result = await waitUntilServiceTemplateVersionRegistered(
      fastWaiter(test),
      {
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '1',
      },
    ).catch(e => e);
    expect(String(result)).toContain('FAILURE');
    const got = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '1',
      }),
    );
    expect(got.serviceTemplateVersion?.status).toBe('REGISTRATION_FAILED');
    expect(got.serviceTemplateVersion?.statusMessage).toMatch(
      /^Template bundle registration failed: the schema is not backward compatible .*image/,
    );
    // The same schema as a new major version is fine.
    const major = await createServiceVersion(
      test,
      serviceBundleFiles(serviceSchema('image')),
      undefined,
      'v3.tar.gz',
    );
    expect(major.majorVersion).toBe('2');
    await test.server.settled();
    const registered = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '2',
        minorVersion: '0',
      }),
    );
    expect(registered.serviceTemplateVersion?.status).toBe('DRAFT');
  });

  it('fails registration of a bundle with an invalid schema or layout, saying why', async () => {
    await registerEnvironmentVersion(test);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { ...serviceBundleFiles(), 'schema/schema.yaml': 'schema: [' },
        /schema\/schema\.yaml/,
      ],
      [
        { 'instance_infrastructure/manifest.yaml': 'x' },
        /has no schema\/schema\.yaml/,
      ],
      [
        { 'schema/schema.yaml': serviceSchema() },
        /has no instance_infrastructure\/manifest\.yaml/,
      ],
      [
        {
          ...environmentBundleFiles(),
          'instance_infrastructure/manifest.yaml': 'x',
        },
        /environment inputs, but this is a service template/,
      ],
    ];
    for (const [index, [files, reason]] of cases.entries()) {
      const created = await createServiceVersion(
        test,
        files,
        index === 0 ? undefined : '1',
        `bad-${index}.tar.gz`,
      );
      await test.server.settled();
      const got = await test.client.send(
        new GetServiceTemplateVersionCommand({
          templateName: 'web',
          majorVersion: created.majorVersion!,
          minorVersion: created.minorVersion!,
        }),
      );
      expect(got.serviceTemplateVersion?.status).toBe('REGISTRATION_FAILED');
      expect(got.serviceTemplateVersion?.statusMessage).toMatch(reason);
    }
  });

  it('fails registration of an unsafe bundle, saying why, without extracting it', async () => {
    const source = await writeRawBundle(
      test.bundlesDirectory,
      'templates',
      'evil.tar.gz',
      rawTarGz([
        { name: 'schema/', type: '5' },
        { name: 'schema/schema.yaml', type: '0', content: 'schema: {}' },
        { name: 'infrastructure', type: '2', linkName: '/etc' },
      ]),
    );
    await test.client.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'vpc',
        source: { s3: source },
      }),
    );
    const outcome = await waitUntilEnvironmentTemplateVersionRegistered(
      fastWaiter(test),
      {
        templateName: 'vpc',
        majorVersion: '1',
        minorVersion: '0',
      },
    ).catch(e => e);
    expect(String(outcome)).toContain('FAILURE');
    const got = await test.client.send(
      new GetEnvironmentTemplateVersionCommand({
        templateName: 'vpc',
        majorVersion: '1',
        minorVersion: '0',
      }),
    );
    expect(got.environmentTemplateVersion).toMatchObject({
      status: 'REGISTRATION_FAILED',
      statusMessage:
        'Template bundle registration failed: the entry infrastructure is a link',
    });
    expect(got.environmentTemplateVersion?.schema).toBeUndefined();
  });
});
