import {
  AccessDeniedException,
  CreateServiceTemplateCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  DeleteServiceTemplateCommand,
  ListTagsForResourceCommand,
  paginateListTagsForResource,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-proton';
import {
  environmentBundleFiles,
  writeBundle,
} from '../__testUtils__/templateBundles';
import { startTestServer, TestServer } from '../__testUtils__/testServer';

const TEMPLATE_ARN =
  'arn:aws:proton:us-east-1:000000000000:service-template/tagged';

describe('tag operations', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTestServer();
    await test.client.send(
      new CreateServiceTemplateCommand({
        name: 'tagged',
        tags: [{ key: 'team', value: 'a' }],
      }),
    );
  });
  afterEach(async () => {
    await test.stop();
  });

  const tagsOf = async (resourceArn: string) =>
    (await test.client.send(new ListTagsForResourceCommand({ resourceArn })))
      .tags;

  it('keeps the tags given at creation and adds, replaces and removes tags', async () => {
    expect(await tagsOf(TEMPLATE_ARN)).toEqual([{ key: 'team', value: 'a' }]);
    await test.client.send(
      new TagResourceCommand({
        resourceArn: TEMPLATE_ARN,
        tags: [
          { key: 'team', value: 'b' },
          { key: 'cost-center', value: '42' },
        ],
      }),
    );
    expect(await tagsOf(TEMPLATE_ARN)).toEqual([
      { key: 'cost-center', value: '42' },
      { key: 'team', value: 'b' },
    ]);
    await test.client.send(
      new UntagResourceCommand({
        resourceArn: TEMPLATE_ARN,
        tagKeys: ['team', 'absent'],
      }),
    );
    expect(await tagsOf(TEMPLATE_ARN)).toEqual([
      { key: 'cost-center', value: '42' },
    ]);
  });

  it('tags template versions by their ARN', async () => {
    await test.client.send(
      new CreateEnvironmentTemplateCommand({ name: 'vpc' }),
    );
    const source = await writeBundle(
      test.bundlesDirectory,
      'bucket1',
      'vpc.tar.gz',
      environmentBundleFiles(),
    );
    await test.client.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'vpc',
        source: { s3: source },
        tags: [{ key: 'stage', value: 'beta' }],
      }),
    );
    expect(
      await tagsOf(
        'arn:aws:proton:us-east-1:000000000000:environment-template/vpc/1.0',
      ),
    ).toEqual([{ key: 'stage', value: 'beta' }]);
    await test.server.settled();
  });

  it('pages through tags', async () => {
    const tags = Array.from({ length: 30 }, (_, i) => ({
      key: `k${String(i).padStart(2, '0')}`,
      value: `${i}`,
    }));
    await test.client.send(
      new TagResourceCommand({ resourceArn: TEMPLATE_ARN, tags }),
    );
    const pages: number[] = [];
    const keys: string[] = [];
    for await (const page of paginateListTagsForResource(
      { client: test.client, pageSize: 7 },
      { resourceArn: TEMPLATE_ARN },
    )) {
      pages.push(page.tags!.length);
      keys.push(...page.tags!.map(t => t.key!));
    }
    expect(pages).toEqual([7, 7, 7, 7, 3]);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(31);
  });

  it('refuses more than 50 tags on a resource', async () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: 'v',
    }));
    const error = await test.client
      .send(new TagResourceCommand({ resourceArn: TEMPLATE_ARN, tags }))
      .catch(e => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(await tagsOf(TEMPLATE_ARN)).toEqual([{ key: 'team', value: 'a' }]);
  });

  it('answers unknown resources with ResourceNotFoundException and bad ARNs with ValidationException', async () => {
    for (const resourceArn of [
      'arn:aws:proton:us-east-1:000000000000:service-template/other',
      'arn:aws:proton:eu-west-1:000000000000:service-template/tagged',
      'arn:aws:proton:us-east-1:000000000000:service/tagged',
    ]) {
      const error = await test.client
        .send(new ListTagsForResourceCommand({ resourceArn }))
        .catch(e => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
    }
    const otherAccount = await test.client
      .send(
        new ListTagsForResourceCommand({
          resourceArn:
            'arn:aws:proton:us-east-1:111111111111:service-template/tagged',
        }),
      )
      .catch(e => e);
    expect(otherAccount).toBeInstanceOf(AccessDeniedException);
    expect(otherAccount.$metadata.httpStatusCode).toBe(403);
    expect(otherAccount.message).toBe(
      'arn:aws:proton:us-east-1:111111111111:service-template/tagged belongs to account 111111111111; this control plane serves account 000000000000',
    );
    const invalid = await test.client
      .send(
        new TagResourceCommand({
          resourceArn: 'arn:aws:s3:us-east-1:000000000000:bucket/x',
          tags: [],
        }),
      )
      .catch(e => e);
    expect(invalid).toBeInstanceOf(ValidationException);
  });

  it('forgets the tags of a deleted resource', async () => {
    await test.client.send(
      new DeleteServiceTemplateCommand({ name: 'tagged' }),
    );
    await test.client.send(
      new CreateServiceTemplateCommand({ name: 'tagged' }),
    );
    expect(await tagsOf(TEMPLATE_ARN)).toEqual([]);
  });
});
