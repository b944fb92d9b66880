import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateRepositoryCommand,
  CreateTemplateSyncConfigCommand,
  ListEnvironmentTemplateVersionsCommand,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  noopTemplateBundleFiles,
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import request from 'supertest';
import { awsProtonPlugin } from '../plugin';
import { git } from '../__testUtils__/git';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';

const database = testDatabaseFactory();

/**
 * A template entity's page data, read from a control plane whose template follows a Git repository
 * (template sync): every version, where the synced ones came from, and the last sync.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/templates';

describe('GET /v1/entities/:kind/:namespace/:name/template', () => {
  let controlPlane: ScratchControlPlane;
  let repositories: string;
  let sha: string;

  beforeAll(async () => {
    repositories = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'repos-'));
    const bare = path.join(repositories, 'platform/templates.git');
    fs.mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '-q', '--initial-branch=main');
    const work = path.join(repositories, 'work');
    git(repositories, 'init', '-q', '--initial-branch=main', work);
    for (const [file, content] of Object.entries(
      noopTemplateBundleFiles('environment'),
    )) {
      const target = path.join(work, 'vpc/v1', file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${content}\n# synced\n`);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'The vpc template, from Git');
    git(work, 'push', '-q', bare, 'main');
    sha = git(work, 'rev-parse', 'HEAD');

    controlPlane = await startScratchControlPlane({
      git: {
        connections: [
          { arn: CONNECTION, provider: 'GITHUB', baseUrl: repositories },
        ],
        pollIntervalSeconds: 0,
      },
    });
    const { client, noopBundles } = controlPlane;
    // 1.0 by hand, from an S3 bundle; 1.1 from the repository
    await seedProtonResources(client, {
      environmentTemplates: [
        {
          name: 'vpc',
          versions: [
            { version: '1.0', source: noopBundles.environment, publish: true },
          ],
        },
      ],
    });
    await client.send(
      new CreateRepositoryCommand({
        provider: 'GITHUB',
        name: 'platform/templates',
        connectionArn: CONNECTION,
      }),
    );
    await client.send(
      new CreateTemplateSyncConfigCommand({
        templateName: 'vpc',
        templateType: 'ENVIRONMENT',
        repositoryProvider: 'GITHUB',
        repositoryName: 'platform/templates',
        branch: 'main',
      }),
    );
    for (let i = 0; i < 100; i += 1) {
      const { templateVersions } = await client.send(
        new ListEnvironmentTemplateVersionsCommand({ templateName: 'vpc' }),
      );
      if (
        templateVersions?.some(
          v => v.minorVersion === '1' && v.status === 'DRAFT',
        )
      ) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await controlPlane?.stop();
    await fs.promises.rm(repositories, { recursive: true, force: true });
  });

  it('lists the versions newest first, where the synced one came from, and the last sync', async () => {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'vpc',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-environment-template': `${PREFIX}:environment-template/vpc`,
                },
              },
              spec: { type: 'proton-environment-template', owner: 'platform' },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [
                {
                  accountId: '000000000000',
                  accessKeyId: controlPlane.credentials.accessKeyId,
                  secretAccessKey: controlPlane.credentials.secretAccessKey,
                },
              ],
            },
            awsProton: {
              regions: ['us-east-1'],
              accountIds: ['000000000000'],
              endpoint: controlPlane.server.endpoint,
              cacheTtlSeconds: 0,
            },
          },
        }),
      ],
    });
    const response = await request(server)
      .get('/api/aws-proton/v1/entities/resource/default/vpc/template')
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'vpc',
      kind: 'environment',
      recommendedVersion: '1.0',
      inProgress: false,
      sync: {
        repository: 'GITHUB:platform/templates',
        branch: 'main',
        majors: [
          {
            major: '1',
            status: 'SUCCEEDED',
            message: 'Registered version 1.1 as DRAFT',
            commit: sha,
          },
        ],
      },
    });
    expect(response.body.versions).toEqual([
      expect.objectContaining({
        version: '1.1',
        status: 'DRAFT',
        recommended: false,
        description: 'The vpc template, from Git',
        source: {
          repository: 'GITHUB:platform/templates',
          branch: 'main',
          commit: sha,
          directory: 'vpc/v1',
          url: `https://github.com/platform/templates/commit/${sha}`,
        },
      }),
      expect.objectContaining({
        version: '1.0',
        status: 'PUBLISHED',
        recommended: true,
      }),
    ]);
    expect(response.body.versions[1].source).toBeUndefined();

    const unannotated = await request(server)
      .get('/api/aws-proton/v1/entities/resource/default/nothing/template')
      .set('authorization', mockCredentials.user.header());
    expect(unannotated.status).toBe(404);
  });
});
