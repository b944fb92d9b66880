import {
  ConflictException,
  CreateEnvironmentTemplateVersionCommand,
  DeleteEnvironmentTemplateCommand,
  DeleteEnvironmentTemplateVersionCommand,
  GetEnvironmentTemplateCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  paginateListServiceTemplateVersions,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
  ValidationException,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import {
  environmentBundleFiles,
  serviceBundleFiles,
  serviceSchema,
  writeBundle,
} from '../__testUtils__/templateBundles';
import {
  createServiceVersion,
  fastWaiter,
  registerEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

describe('template version operations', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTemplateTestServer();
  });
  afterEach(async () => {
    await test.stop();
  });

  it('registers a version from its bundle: REGISTRATION_IN_PROGRESS, then DRAFT with its schema', async () => {
    await registerEnvironmentVersion(test);
    const created = await createServiceVersion(test, serviceBundleFiles());
    expect(created).toMatchObject({
      templateName: 'web',
      majorVersion: '1',
      minorVersion: '0',
      status: 'REGISTRATION_IN_PROGRESS',
      arn: 'arn:aws:proton:us-east-1:000000000000:service-template/web/1.0',
      compatibleEnvironmentTemplates: [
        { templateName: 'vpc', majorVersion: '1' },
      ],
      description: 'web bundle',
    });
    const result = await waitUntilServiceTemplateVersionRegistered(
      fastWaiter(test),
      {
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
      },
    );
    expect(result.state).toBe('SUCCESS');
    const got = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
      }),
    );
    expect(got.serviceTemplateVersion?.status).toBe('DRAFT');
    expect(got.serviceTemplateVersion?.schema).toBe(serviceSchema());
    expect(got.serviceTemplateVersion?.statusMessage).toBeUndefined();
  });

  it('publishes versions and recommends the highest published one', async () => {
    await registerEnvironmentVersion(test);
    for (const key of ['a.tar.gz', 'b.tar.gz']) {
      await createServiceVersion(
        test,
        serviceBundleFiles(),
        key === 'a.tar.gz' ? undefined : '1',
        key,
      );
    }
    await createServiceVersion(
      test,
      serviceBundleFiles(),
      undefined,
      'c.tar.gz',
    );
    await test.server.settled();
    const publish = (majorVersion: string, minorVersion: string) =>
      test.client.send(
        new UpdateServiceTemplateVersionCommand({
          templateName: 'web',
          majorVersion,
          minorVersion,
          status: 'PUBLISHED',
        }),
      );
    const published = await publish('1', '0');
    expect(published.serviceTemplateVersion).toMatchObject({
      status: 'PUBLISHED',
      recommendedMinorVersion: '0',
    });
    let template = await test.client.send(
      new GetServiceTemplateCommand({ name: 'web' }),
    );
    expect(template.serviceTemplate?.recommendedVersion).toBe('1.0');
    await publish('1', '1');
    await publish('2', '0');
    template = await test.client.send(
      new GetServiceTemplateCommand({ name: 'web' }),
    );
    expect(template.serviceTemplate?.recommendedVersion).toBe('2.0');
    const minor = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
      }),
    );
    expect(minor.serviceTemplateVersion?.recommendedMinorVersion).toBe('1');

    const versions: string[] = [];
    for await (const page of paginateListServiceTemplateVersions(
      { client: test.client, pageSize: 2 },
      { templateName: 'web' },
    )) {
      versions.push(
        ...page.templateVersions!.map(
          v => `${v.majorVersion}.${v.minorVersion}:${v.status}`,
        ),
      );
      expect(page.templateVersions!.every(v => !('schema' in v))).toBe(true);
    }
    expect(versions).toEqual([
      '1.0:PUBLISHED',
      '1.1:PUBLISHED',
      '2.0:PUBLISHED',
    ]);
    const majorOne: string[] = [];
    for await (const page of paginateListServiceTemplateVersions(
      { client: test.client },
      { templateName: 'web', majorVersion: '1' },
    )) {
      majorOne.push(...page.templateVersions!.map(v => v.minorVersion!));
    }
    expect(majorOne).toEqual(['0', '1']);
  });

  it('refuses sources it cannot read when the call is made', async () => {
    const send = (key: string, bucket = 'templates') =>
      test.client
        .send(
          new CreateEnvironmentTemplateVersionCommand({
            templateName: 'vpc',
            source: { s3: { bucket, key } },
          }),
        )
        .catch(e => e);
    const missing = await send('missing.tar.gz');
    expect(missing).toBeInstanceOf(ValidationException);
    expect(missing.message).toBe(
      'The template bundle s3://templates/missing.tar.gz does not exist',
    );
    for (const key of ['../escape.tar.gz', 'a/../../b.tar.gz', '/etc/passwd']) {
      expect(await send(key)).toBeInstanceOf(ValidationException);
    }
    await writeBundle(test.bundlesDirectory, 'templates', 'big.tar.gz', {
      ...environmentBundleFiles(),
      'infrastructure/random.bin': require('node:crypto')
        .randomBytes(100 * 1024)
        .toString('base64'),
    });
    const tooBig = await send('big.tar.gz');
    expect(tooBig).toBeInstanceOf(ServiceQuotaExceededException);
    expect(tooBig.$metadata.httpStatusCode).toBe(402);
    const unknownTemplate = await test.client
      .send(
        new CreateEnvironmentTemplateVersionCommand({
          templateName: 'nope',
          source: { s3: { bucket: 'templates', key: 'x' } },
        }),
      )
      .catch(e => e);
    expect(unknownTemplate).toBeInstanceOf(ResourceNotFoundException);
  });

  it('checks majorVersion and compatible environment templates', async () => {
    const source = await writeBundle(
      test.bundlesDirectory,
      'templates',
      'vpc.tar.gz',
      environmentBundleFiles(),
    );
    const noMajor = await test.client
      .send(
        new CreateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          source: { s3: source },
          majorVersion: '3',
        }),
      )
      .catch(e => e);
    expect(noMajor).toBeInstanceOf(ValidationException);
    const incompatible = await createServiceVersion(
      test,
      serviceBundleFiles(),
    ).catch(e => e);
    expect(incompatible).toBeInstanceOf(ValidationException);
    expect(incompatible.message).toContain('vpc has no major version 1');
  });

  it('returns the first result again for a repeated clientToken, and refuses it with other parameters', async () => {
    const source = await writeBundle(
      test.bundlesDirectory,
      'templates',
      'vpc.tar.gz',
      environmentBundleFiles(),
    );
    const request = {
      templateName: 'vpc',
      source: { s3: source },
      clientToken: 'token-1',
    };
    const first = await test.client.send(
      new CreateEnvironmentTemplateVersionCommand(request),
    );
    const again = await test.client.send(
      new CreateEnvironmentTemplateVersionCommand(request),
    );
    expect(again.environmentTemplateVersion).toEqual(
      first.environmentTemplateVersion,
    );
    const other = await test.client
      .send(
        new CreateEnvironmentTemplateVersionCommand({
          ...request,
          description: 'other',
        }),
      )
      .catch(e => e);
    expect(other).toBeInstanceOf(ValidationException);
    expect(other.message).toContain('token-1');
    const fresh = await test.client.send(
      new CreateEnvironmentTemplateVersionCommand({
        ...request,
        clientToken: 'token-2',
      }),
    );
    expect(fresh.environmentTemplateVersion?.majorVersion).toBe('2');
  });

  it('only lets registered versions change status', async () => {
    const source = await writeBundle(
      test.bundlesDirectory,
      'templates',
      'vpc.tar.gz',
      { 'nothing.txt': 'x' },
    );
    await test.client.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'vpc',
        source: { s3: source },
      }),
    );
    await test.server.settled();
    const error = await test.client
      .send(
        new UpdateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion: '0',
          status: 'PUBLISHED',
        }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toContain('REGISTRATION_FAILED');
    const draft = await test.client
      .send(
        new UpdateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion: '0',
          status: 'REGISTRATION_IN_PROGRESS',
        }),
      )
      .catch(e => e);
    expect(draft).toBeInstanceOf(ValidationException);
  });

  it('deletes versions in the order Proton allows, then the template', async () => {
    await registerEnvironmentVersion(test, 'a.tar.gz');
    await registerEnvironmentVersion(test, 'b.tar.gz', '1');
    for (const minorVersion of ['0', '1']) {
      await test.client.send(
        new UpdateEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion,
          status: 'PUBLISHED',
        }),
      );
    }
    const remove = (minorVersion: string) =>
      test.client.send(
        new DeleteEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion,
        }),
      );
    const templateInUse = await test.client
      .send(new DeleteEnvironmentTemplateCommand({ name: 'vpc' }))
      .catch(e => e);
    expect(templateInUse).toBeInstanceOf(ConflictException);
    const recommended = await remove('1').catch(e => e);
    expect(recommended).toBeInstanceOf(ConflictException);
    const deleted = await remove('0');
    expect(deleted.environmentTemplateVersion?.minorVersion).toBe('0');
    const last = await remove('1');
    expect(last.environmentTemplateVersion?.status).toBe('PUBLISHED');
    const gone = await remove('1').catch(e => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    const template = await test.client.send(
      new GetEnvironmentTemplateCommand({ name: 'vpc' }),
    );
    expect(template.environmentTemplate?.recommendedVersion).toBeUndefined();
    await test.client.send(
      new DeleteEnvironmentTemplateCommand({ name: 'vpc' }),
    );
  });
});
