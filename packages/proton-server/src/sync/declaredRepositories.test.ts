import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GetEnvironmentTemplateCommand,
  GetRepositoryCommand,
  GetTemplateSyncConfigCommand,
  ListEnvironmentTemplateVersionsCommand,
} from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { environmentBundleFiles } from '../__testUtils__/templateBundles';
import { startTestServer } from '../__testUtils__/testServer';
import { readProtonServerConfig } from '../protonServerConfig';
import type { GitSyncOptions } from './gitConnections';

/**
 * `protonServer.git.repositories`: a platform team links a repository and lets templates follow it
 * with configuration alone.
 */

jest.setTimeout(60_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/declared';

describe('repositories declared in configuration', () => {
  let git: GitHttpServer;
  let data: string;

  beforeAll(async () => {
    git = await startGitHttpServer();
    const copy = await git.createRepository('platform/templates');
    const files: Record<string, string> = {};
    for (const [file, content] of Object.entries(environmentBundleFiles())) {
      files[`templates/vpc/v1/${file}`] = content;
    }
    await copy.write(files);
    await copy.commitAndPush('The vpc template');
    data = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'declared-'));
  });

  afterAll(async () => {
    await git?.stop();
    await fs.promises.rm(data, { recursive: true, force: true });
  });

  const options = (branch: string): GitSyncOptions => ({
    connections: [
      { arn: CONNECTION, provider: 'GITHUB', baseUrl: git.baseUrl },
    ],
    pollIntervalSeconds: 0,
    repositories: [
      {
        provider: 'GITHUB',
        name: 'platform/templates',
        connectionArn: CONNECTION,
        templates: [
          {
            name: 'vpc',
            type: 'ENVIRONMENT',
            branch,
            subdirectory: 'templates',
            displayName: 'VPC',
          },
        ],
      },
    ],
  });

  it('links the repository, creates the template and syncs it at start; a restart changes nothing, a new branch updates the configuration', async () => {
    const database = { client: 'sqlite' as const, directory: data };
    const first = await startTestServer({ database, git: options('main') });
    try {
      await first.server.settled();
      expect(
        (
          await first.client.send(
            new GetRepositoryCommand({
              provider: 'GITHUB',
              name: 'platform/templates',
            }),
          )
        ).repository?.connectionArn,
      ).toBe(CONNECTION);
      expect(
        (
          await first.client.send(
            new GetEnvironmentTemplateCommand({ name: 'vpc' }),
          )
        ).environmentTemplate?.displayName,
      ).toBe('VPC');
      const { templateVersions } = await first.client.send(
        new ListEnvironmentTemplateVersionsCommand({ templateName: 'vpc' }),
      );
      expect(
        templateVersions?.map(
          v => `${v.majorVersion}.${v.minorVersion} ${v.status}`,
        ),
      ).toEqual(['1.0 DRAFT']);
    } finally {
      await first.stop();
    }

    const again = await startTestServer({ database, git: options('main') });
    try {
      await again.server.settled();
      const { templateVersions } = await again.client.send(
        new ListEnvironmentTemplateVersionsCommand({ templateName: 'vpc' }),
      );
      expect(templateVersions).toHaveLength(1);
    } finally {
      await again.stop();
    }

    const moved = await startTestServer({ database, git: options('release') });
    try {
      await moved.server.settled();
      const { templateSyncConfig } = await moved.client.send(
        new GetTemplateSyncConfigCommand({
          templateName: 'vpc',
          templateType: 'ENVIRONMENT',
        }),
      );
      expect(templateSyncConfig?.branch).toBe('release');
    } finally {
      await moved.stop();
    }
  });

  it('refuses a declaration whose connection is not configured, naming the setting', () => {
    const config = new ConfigReader({
      protonServer: {
        bundlesDirectory: '/tmp/bundles',
        credentials: [
          {
            accessKeyId: 'AKIDDECLARED1',
            secretAccessKey: 'a-secret-of-forty-characters-0123456789',
          },
        ],
        git: {
          connections: [
            {
              arn: CONNECTION,
              provider: 'GITHUB',
              baseUrl: 'https://github.com',
            },
          ],
          repositories: [
            {
              name: 'platform/templates',
              connectionArn: `${CONNECTION}-other`,
            },
          ],
        },
      },
    });
    expect(() => readProtonServerConfig(config)).toThrow(
      `protonServer.git.repositories[0].connectionArn ${CONNECTION}-other is not one of protonServer.git.connections`,
    );
  });
});
