import {
  CreateRepositoryCommand,
  CreateServiceTemplateVersionCommand,
  CreateTemplateSyncConfigCommand,
  GetRepositorySyncStatusCommand,
  GetServiceTemplateVersionCommand,
  GetTemplateSyncStatusCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListServiceTemplateVersionsCommand,
  ListTagsForResourceCommand,
  UpdateTemplateSyncConfigCommand,
} from '@aws-sdk/client-proton';
import {
  GitHttpServer,
  GitWorkingCopy,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import {
  registerEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import {
  ENVIRONMENT_SCHEMA,
  serviceBundleFiles,
  writeBundle,
} from '../__testUtils__/templateBundles';
import type { TestServer } from '../__testUtils__/testServer';
import { postPushWebhook } from '../__testUtils__/pushWebhook';

/**
 * Template sync against a real Git server on 127.0.0.1 (`git http-backend`, with a token):
 * AWS Proton User Guide, "Template sync configurations".
 */

jest.setTimeout(60_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/platform-git';
const WEBHOOK_SECRET = 'push-webhook-secret';
const TOKEN = 'git-access-token';

function serviceFolder(
  version: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const files: Record<string, string> = {
    'templates/web/v1/.template-registration.yaml':
      'compatible_environments:\n  - vpc:1\n',
    ...extra,
  };
  for (const [file, content] of Object.entries(serviceBundleFiles())) {
    files[`templates/web/v1/${file}`] = content;
  }
  files[
    'templates/web/v1/instance_infrastructure/index.ts'
  ] = `export const version = ${JSON.stringify(version)};\n`;
  return files;
}

function pushWebhook(test: TestServer, sha: string, secret = WEBHOOK_SECRET) {
  return postPushWebhook(test.endpoint, {
    repositoryName: 'platform/templates',
    sha,
    secret,
  });
}

describe('template sync from a linked repository', () => {
  let git: GitHttpServer;
  let test: TestServer;
  let repository: GitWorkingCopy;

  async function versions(): Promise<string[]> {
    const { templateVersions } = await test.client.send(
      new ListServiceTemplateVersionsCommand({ templateName: 'web' }),
    );
    return (templateVersions ?? []).map(
      v => `${v.majorVersion}.${v.minorVersion} ${v.status}`,
    );
  }

  beforeAll(async () => {
    git = await startGitHttpServer({ token: TOKEN });
    test = await startTemplateTestServer({
      git: {
        connections: [
          {
            arn: CONNECTION,
            provider: 'GITHUB',
            baseUrl: git.baseUrl,
            webUrl: 'https://github.example.com',
            token: TOKEN,
            webhookSecret: WEBHOOK_SECRET,
          },
        ],
        pollIntervalSeconds: 0,
      },
    });
    await registerEnvironmentVersion(test);
    // 1.0 and 1.1 registered by hand, from S3 bundles, before the template is synced
    for (let i = 0; i < 2; i += 1) {
      const source = await writeBundle(
        test.bundlesDirectory,
        'templates',
        `web-1.${i}.tar.gz`,
        serviceBundleFiles(),
      );
      await test.client.send(
        new CreateServiceTemplateVersionCommand({
          templateName: 'web',
          majorVersion: i === 0 ? undefined : '1',
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'vpc', majorVersion: '1' },
          ],
        }),
      );
      await test.server.settled();
    }
    repository = await git.createRepository('platform/templates');
  });

  afterAll(async () => {
    await test?.stop();
    await git?.stop();
  });

  it('links a repository only through a configured connection', async () => {
    await expect(
      test.client.send(
        new CreateRepositoryCommand({
          provider: 'GITHUB',
          name: 'platform/templates',
          connectionArn:
            'arn:aws:codestar-connections:us-east-1:000000000000:connection/unknown',
        }),
      ),
    ).rejects.toThrow(
      /connection\/unknown is not configured on this control plane/,
    );
    const { repository: linked } = await test.client.send(
      new CreateRepositoryCommand({
        provider: 'GITHUB',
        name: 'platform/templates',
        connectionArn: CONNECTION,
      }),
    );
    expect(linked?.arn).toBe(
      'arn:aws:proton:us-east-1:000000000000:repository/github:platform/templates',
    );
  });

  it('registers the v1 folder as the next minor version when the configuration is created', async () => {
    await repository.write(serviceFolder('a'));
    const sha = await repository.commitAndPush('Add the web template');
    await test.client.send(
      new CreateTemplateSyncConfigCommand({
        templateName: 'web',
        templateType: 'SERVICE',
        repositoryProvider: 'GITHUB',
        repositoryName: 'platform/templates',
        branch: 'main',
        subdirectory: '/templates/',
      }),
    );
    await test.server.settled();
    expect(await versions()).toEqual(['1.0 DRAFT', '1.1 DRAFT', '1.2 DRAFT']);
    const { serviceTemplateVersion } = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '2',
      }),
    );
    expect(serviceTemplateVersion?.description).toBe('Add the web template');
    expect(serviceTemplateVersion?.compatibleEnvironmentTemplates).toEqual([
      { templateName: 'vpc', majorVersion: '1' },
    ]);
    const { tags } = await test.client.send(
      new ListTagsForResourceCommand({
        resourceArn: serviceTemplateVersion!.arn,
      }),
    );
    expect(Object.fromEntries(tags!.map(t => [t.key, t.value]))).toEqual({
      'proton:sync:repository': 'GITHUB:platform/templates',
      'proton:sync:branch': 'main',
      'proton:sync:commit': sha,
      'proton:sync:directory': 'templates/web/v1',
    });
    const status = await test.client.send(
      new GetTemplateSyncStatusCommand({
        templateName: 'web',
        templateType: 'SERVICE',
        templateVersion: '1',
      }),
    );
    expect(status.latestSync?.status).toBe('SUCCEEDED');
    expect(status.latestSync?.targetRevision).toEqual({
      repositoryName: 'platform/templates',
      repositoryProvider: 'GITHUB',
      branch: 'main',
      sha,
      directory: 'templates/web/v1',
    });
    expect(status.latestSuccessfulSync?.targetRevision?.sha).toBe(sha);
    expect(status.desiredState?.sha).toBe(sha);
  });

  it('creates nothing for a commit that changes no template folder, fetching once', async () => {
    const before = test.server.gitOperationCounts;
    await repository.write({ 'README.md': '# Templates\n' });
    await repository.commitAndPush('Describe the repository');
    await test.server.pollRepositories();
    await test.server.settled();
    expect(await versions()).toEqual(['1.0 DRAFT', '1.1 DRAFT', '1.2 DRAFT']);
    expect(test.server.gitOperationCounts).toEqual({
      fetches: before.fetches + 1,
      clones: before.clones,
    });
    const { latestSync } = await test.client.send(
      new GetRepositorySyncStatusCommand({
        repositoryName: 'platform/templates',
        repositoryProvider: 'GITHUB',
        branch: 'main',
        syncType: 'TEMPLATE_SYNC',
      }),
    );
    expect(latestSync?.status).toBe('SUCCEEDED');
    expect(latestSync?.events?.map(e => e.event)).toContain(
      'No template folder changed',
    );
  });

  it('syncs at once when a signed push webhook arrives, and refuses a wrong signature', async () => {
    await repository.write(serviceFolder('b'));
    const sha = await repository.commitAndPush('Change the web template');
    const refused = await pushWebhook(test, sha, 'not-the-secret');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/signature does not match/);
    await test.server.settled();
    expect(await versions()).toHaveLength(3);
    const accepted = await pushWebhook(test, sha);
    expect(accepted).toEqual({
      status: 202,
      body: {
        message: 'Sync requested for GITHUB:platform/templates@main',
        syncs: ['GITHUB:platform/templates@main'],
      },
    });
    await test.server.settled();
    expect(await versions()).toEqual([
      '1.0 DRAFT',
      '1.1 DRAFT',
      '1.2 DRAFT',
      '1.3 DRAFT',
    ]);
  });

  it('creates a major version from a new v2 folder', async () => {
    const v2: Record<string, string> = {};
    for (const [file, content] of Object.entries(serviceFolder('c'))) {
      v2[file.replace('/v1/', '/v2/')] = content;
    }
    await repository.write(v2);
    await repository.commitAndPush('Add version 2');
    await test.server.pollRepositories();
    await test.server.settled();
    expect(await versions()).toEqual([
      '1.0 DRAFT',
      '1.1 DRAFT',
      '1.2 DRAFT',
      '1.3 DRAFT',
      '2.0 DRAFT',
    ]);
  });

  it('records a failed sync with the reason for an invalid bundle, leaving existing versions alone', async () => {
    await repository.write({
      'templates/web/v1/schema/schema.yaml': 'schema: [not: a schema\n',
    });
    await repository.commitAndPush('Break the schema');
    await test.server.pollRepositories();
    await test.server.settled();
    expect(await versions()).toEqual([
      '1.0 DRAFT',
      '1.1 DRAFT',
      '1.2 DRAFT',
      '1.3 DRAFT',
      '1.4 REGISTRATION_FAILED',
      '2.0 DRAFT',
    ]);
    const status = await test.client.send(
      new GetTemplateSyncStatusCommand({
        templateName: 'web',
        templateType: 'SERVICE',
        templateVersion: '1',
      }),
    );
    expect(status.latestSync?.status).toBe('FAILED');
    const failure = status.latestSync?.events?.at(-1)?.event ?? '';
    expect(failure).toMatch(/^Version 1\.4 failed to register: .*schema/);
    expect(status.latestSuccessfulSync?.targetRevision?.sha).not.toBe(
      status.latestSync?.targetRevision?.sha,
    );
    // nothing is tried again until the folder changes
    await repository.write({ 'README.md': '# Templates, again\n' });
    await repository.commitAndPush('Touch the README');
    await test.server.pollRepositories();
    await test.server.settled();
    expect(await versions()).toHaveLength(6);
  });

  it('names a missing service registration file, and syncs again when the configuration changes', async () => {
    await repository.write({
      ...serviceFolder('d'),
      'templates/web/v1/.template-registration.yaml': null,
    });
    await repository.commitAndPush('Forget the registration file');
    await test.server.pollRepositories();
    await test.server.settled();
    const status = await test.client.send(
      new GetTemplateSyncStatusCommand({
        templateName: 'web',
        templateType: 'SERVICE',
        templateVersion: '1',
      }),
    );
    expect(status.latestSync?.status).toBe('FAILED');
    expect(status.latestSync?.events?.at(-1)?.event).toBe(
      'templates/web/v1: templates/web/v1/.template-registration.yaml is missing: a synced service template ' +
        'names its compatible environment templates there (compatible_environments: [<template>:<major version>])',
    );
    expect(await versions()).toHaveLength(6);
    await repository.write(serviceFolder('d'));
    await repository.commitAndPush('Restore the registration file');
    await test.client.send(
      new UpdateTemplateSyncConfigCommand({
        templateName: 'web',
        templateType: 'SERVICE',
        repositoryProvider: 'GITHUB',
        repositoryName: 'platform/templates',
        branch: 'main',
        subdirectory: 'templates',
      }),
    );
    await test.server.settled();
    expect((await versions()).slice(-2)).toEqual(['1.5 DRAFT', '2.0 DRAFT']);
  });

  it('reports a fetch the Git server refuses, without the token or a local path', async () => {
    const unauthorized = await startTemplateTestServer({
      git: {
        connections: [
          { arn: CONNECTION, provider: 'GITHUB', baseUrl: git.baseUrl },
        ],
        pollIntervalSeconds: 0,
      },
    });
    try {
      await unauthorized.client.send(
        new CreateRepositoryCommand({
          provider: 'GITHUB',
          name: 'platform/templates',
          connectionArn: CONNECTION,
        }),
      );
      await unauthorized.client.send(
        new CreateTemplateSyncConfigCommand({
          templateName: 'vpc',
          templateType: 'ENVIRONMENT',
          repositoryProvider: 'GITHUB',
          repositoryName: 'platform/templates',
          branch: 'main',
        }),
      );
      await unauthorized.server.settled();
      const { latestSync } = await unauthorized.client.send(
        new GetRepositorySyncStatusCommand({
          repositoryName: 'platform/templates',
          repositoryProvider: 'GITHUB',
          branch: 'main',
          syncType: 'TEMPLATE_SYNC',
        }),
      );
      expect(latestSync?.status).toBe('FAILED');
      const message = latestSync?.events?.[0]?.event ?? '';
      expect(message).toMatch(
        /^Fetching platform\/templates@main failed: fatal: /,
      );
      expect(message).not.toMatch(/\/tmp\/|git-mirrors|token/);
    } finally {
      await unauthorized.stop();
    }
  });
});

describe('an environment template synced from its folder', () => {
  it('registers each major version folder of an environment template', async () => {
    const git = await startGitHttpServer();
    const test = await startTemplateTestServer({
      git: {
        connections: [
          { arn: CONNECTION, provider: 'BITBUCKET', baseUrl: git.baseUrl },
        ],
        pollIntervalSeconds: 0,
      },
    });
    try {
      const repository = await git.createRepository('platform/envs', 'release');
      await repository.write({
        'vpc/v1/schema/schema.yaml': ENVIRONMENT_SCHEMA,
        'vpc/v1/infrastructure/manifest.yaml':
          'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: [echo up]\n        deprovision: [echo down]\n',
        'vpc/v3/schema/schema.yaml': ENVIRONMENT_SCHEMA,
        'vpc/v3/infrastructure/manifest.yaml':
          'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: [echo up]\n        deprovision: [echo down]\n',
        'vpc/notes/README.md': 'not a version folder\n',
      });
      await repository.commitAndPush('Environment templates');
      await test.client.send(
        new CreateRepositoryCommand({
          provider: 'BITBUCKET',
          name: 'platform/envs',
          connectionArn: CONNECTION,
        }),
      );
      await test.client.send(
        new CreateTemplateSyncConfigCommand({
          templateName: 'vpc',
          templateType: 'ENVIRONMENT',
          repositoryProvider: 'BITBUCKET',
          repositoryName: 'platform/envs',
          branch: 'release',
        }),
      );
      await test.server.settled();
      const { templateVersions } = await test.client.send(
        new ListEnvironmentTemplateVersionsCommand({ templateName: 'vpc' }),
      );
      expect(
        templateVersions?.map(
          v => `${v.majorVersion}.${v.minorVersion} ${v.status}`,
        ),
      ).toEqual(['1.0 DRAFT', '3.0 DRAFT']);
      const status = await test.client.send(
        new GetTemplateSyncStatusCommand({
          templateName: 'vpc',
          templateType: 'ENVIRONMENT',
          templateVersion: '3',
        }),
      );
      expect(status.latestSync?.status).toBe('SUCCEEDED');
      expect(status.latestSync?.events?.at(-1)?.event).toBe(
        'Registered version 3.0 as DRAFT',
      );
      expect(test.server.gitOperationCounts).toEqual({ fetches: 0, clones: 1 });
    } finally {
      await test.stop();
      await git.stop();
    }
  });
});
