import {
  CreateEnvironmentTemplateCommand,
  CreateServiceTemplateCommand,
  DeleteEnvironmentTemplateCommand,
  DeleteServiceTemplateCommand,
  GetEnvironmentTemplateCommand,
  GetServiceTemplateCommand,
  ListEnvironmentTemplatesCommand,
  ListServiceTemplatesCommand,
  paginateListEnvironmentTemplates,
  paginateListServiceTemplates,
  ResourceNotFoundException,
  UpdateEnvironmentTemplateCommand,
  UpdateServiceTemplateCommand,
  ValidationException,
} from '@aws-sdk/client-proton';
import { startTestServer, TestServer } from '../__testUtils__/testServer';

describe('service and environment template operations', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTestServer({
      region: 'eu-west-1',
      accountId: '123456789012',
    });
  });
  afterEach(async () => {
    await test.stop();
  });

  it('creates, reads, updates and deletes a service template', async () => {
    const before = Date.now();
    const created = await test.client.send(
      new CreateServiceTemplateCommand({
        name: 'web-service',
        displayName: 'Web service',
        description: 'A web service',
        encryptionKey: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        tags: [{ key: 'team', value: 'platform' }],
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.serviceTemplate).toMatchObject({
      name: 'web-service',
      arn: 'arn:aws:proton:eu-west-1:123456789012:service-template/web-service',
      displayName: 'Web service',
      description: 'A web service',
      encryptionKey: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      pipelineProvisioning: 'CUSTOMER_MANAGED',
    });
    expect(created.serviceTemplate!.recommendedVersion).toBeUndefined();
    const createdAt = created.serviceTemplate!.createdAt!;
    expect(createdAt).toBeInstanceOf(Date);
    expect(createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const read = await test.client.send(
      new GetServiceTemplateCommand({ name: 'web-service' }),
    );
    expect(read.serviceTemplate).toEqual(created.serviceTemplate);

    const updated = await test.client.send(
      new UpdateServiceTemplateCommand({
        name: 'web-service',
        description: 'Changed',
      }),
    );
    expect(updated.serviceTemplate).toMatchObject({
      description: 'Changed',
      displayName: 'Web service',
    });
    expect(
      updated.serviceTemplate!.lastModifiedAt!.getTime(),
    ).toBeGreaterThanOrEqual(createdAt.getTime());

    const deleted = await test.client.send(
      new DeleteServiceTemplateCommand({ name: 'web-service' }),
    );
    expect(deleted.serviceTemplate?.name).toBe('web-service');
    const error = await test.client
      .send(new GetServiceTemplateCommand({ name: 'web-service' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe(
      'The service template web-service does not exist',
    );
  });

  it('keeps environment templates apart from service templates', async () => {
    await test.client.send(
      new CreateEnvironmentTemplateCommand({
        name: 'shared',
        provisioning: 'CUSTOMER_MANAGED',
      }),
    );
    await test.client.send(
      new CreateServiceTemplateCommand({ name: 'shared' }),
    );
    const env = await test.client.send(
      new GetEnvironmentTemplateCommand({ name: 'shared' }),
    );
    expect(env.environmentTemplate).toMatchObject({
      name: 'shared',
      arn: 'arn:aws:proton:eu-west-1:123456789012:environment-template/shared',
      provisioning: 'CUSTOMER_MANAGED',
    });
    const updated = await test.client.send(
      new UpdateEnvironmentTemplateCommand({
        name: 'shared',
        displayName: 'Shared',
      }),
    );
    expect(updated.environmentTemplate?.displayName).toBe('Shared');
    await test.client.send(
      new DeleteEnvironmentTemplateCommand({ name: 'shared' }),
    );
    const service = await test.client.send(
      new GetServiceTemplateCommand({ name: 'shared' }),
    );
    expect(service.serviceTemplate?.name).toBe('shared');
  });

  it('answers a repeated create with the template, and refuses a different one with ValidationException (400)', async () => {
    const created = await test.client.send(
      new CreateServiceTemplateCommand({ name: 'dup' }),
    );
    const repeated = await test.client.send(
      new CreateServiceTemplateCommand({ name: 'dup' }),
    );
    expect(repeated.serviceTemplate).toEqual(created.serviceTemplate);
    const error = await test.client
      .send(
        new CreateServiceTemplateCommand({ name: 'dup', description: 'other' }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'Idempotent parameter mismatch: The service template dup already exists and was created with other parameters; choose another name, or change it with the update operation',
    );
  });

  it('validates names, descriptions and page sizes against the model (400)', async () => {
    for (const command of [
      new CreateServiceTemplateCommand({ name: 'no spaces' }),
      new CreateServiceTemplateCommand({ name: 'x'.repeat(101) }),
      new CreateServiceTemplateCommand({
        name: 'ok',
        description: 'd'.repeat(501),
      }),
      new CreateServiceTemplateCommand({
        name: 'ok',
        pipelineProvisioning: 'MAGIC' as any,
      }),
      new ListServiceTemplatesCommand({ maxResults: 101 }),
      new ListServiceTemplatesCommand({ nextToken: 'bm90IGEgdG9rZW4=' }),
    ]) {
      const error = await test.client.send(command as any).catch(e => e);
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    const listed = await test.client.send(new ListServiceTemplatesCommand({}));
    expect(listed.templates).toEqual([]);
  });

  it('pages through templates with the SDK paginators, in name order', async () => {
    const names = Array.from(
      { length: 23 },
      (_, i) => `tpl-${String(i).padStart(2, '0')}`,
    );
    for (const name of [...names].reverse()) {
      await test.client.send(new CreateServiceTemplateCommand({ name }));
    }
    await test.client.send(
      new CreateEnvironmentTemplateCommand({ name: 'env-only' }),
    );
    const pages: string[][] = [];
    for await (const page of paginateListServiceTemplates(
      { client: test.client, pageSize: 10 },
      {},
    )) {
      pages.push(page.templates!.map(t => t.name!));
      expect(page.templates!.every(t => !('encryptionKey' in t))).toBe(true);
    }
    expect(pages.map(p => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(names);
    const environments: string[] = [];
    for await (const page of paginateListEnvironmentTemplates(
      { client: test.client },
      {},
    )) {
      environments.push(...page.templates!.map(t => t.name!));
    }
    expect(environments).toEqual(['env-only']);
  });

  it('refuses a nextToken from another listing', async () => {
    for (const name of ['a', 'b']) {
      await test.client.send(new CreateServiceTemplateCommand({ name }));
      await test.client.send(new CreateEnvironmentTemplateCommand({ name }));
    }
    const page = await test.client.send(
      new ListServiceTemplatesCommand({ maxResults: 1 }),
    );
    expect(page.nextToken).toMatch(/^[A-Za-z0-9+=/]+$/);
    const error = await test.client
      .send(
        new ListEnvironmentTemplatesCommand({
          nextToken: page.nextToken,
        }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ValidationException);
  });
});
