import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateRepositoryCommand,
  CreateTemplateSyncConfigCommand,
  GetEnvironmentTemplateVersionCommand,
  GetRepositorySyncStatusCommand,
  ListEnvironmentTemplateVersionsCommand,
} from '@aws-sdk/client-proton';
import knexFactory from 'knex';
import {
  GitHttpServer,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import {
  dropSchema,
  PG_CONNECTION,
  postgresTestEnabled,
} from '../__testUtils__/postgres';
import { startTemplateTestServer } from '../__testUtils__/templateFixtures';
import { environmentBundleFiles } from '../__testUtils__/templateBundles';
import { startTestServer, TestServer } from '../__testUtils__/testServer';
import { postPushWebhook } from '../__testUtils__/pushWebhook';
import { SQLITE_FILE_NAME } from '../store/database';

/**
 * Repository sync across servers sharing a database: however many webhooks and polls arrive on
 * however many servers, a commit is synced once; a registration a stopped server left is taken up
 * again from its Git revision.
 */

jest.setTimeout(120_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/replicas';
const SECRET = 'replica-webhook-secret';

function gitOptions(git: GitHttpServer) {
  return {
    connections: [
      {
        arn: CONNECTION,
        provider: 'GITHUB' as const,
        baseUrl: git.baseUrl,
        webhookSecret: SECRET,
      },
    ],
    pollIntervalSeconds: 0,
  };
}

function environmentFolder(marker: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [file, content] of Object.entries(environmentBundleFiles())) {
    files[`vpc/v1/${file}`] = content;
  }
  files[
    'vpc/v1/infrastructure/index.ts'
  ] = `export const marker = '${marker}';\n`;
  return files;
}

async function webhook(test: TestServer, sha: string): Promise<number> {
  const { status } = await postPushWebhook(test.endpoint, {
    repositoryName: 'platform/replicas',
    sha,
    secret: SECRET,
  });
  return status;
}

async function versionLabels(test: TestServer): Promise<string[]> {
  const { templateVersions } = await test.client.send(
    new ListEnvironmentTemplateVersionsCommand({ templateName: 'vpc' }),
  );
  return (templateVersions ?? []).map(
    v => `${v.majorVersion}.${v.minorVersion} ${v.status}`,
  );
}

async function linkAndFollow(test: TestServer): Promise<void> {
  await test.client.send(
    new CreateRepositoryCommand({
      provider: 'GITHUB',
      name: 'platform/replicas',
      connectionArn: CONNECTION,
    }),
  );
  await test.client.send(
    new CreateTemplateSyncConfigCommand({
      templateName: 'vpc',
      templateType: 'ENVIRONMENT',
      repositoryProvider: 'GITHUB',
      repositoryName: 'platform/replicas',
      branch: 'main',
    }),
  );
}

describe('repository sync with several servers', () => {
  let git: GitHttpServer;
  let scratch: string;
  beforeEach(async () => {
    git = await startGitHttpServer();
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sync-'));
  });
  afterEach(async () => {
    await git.stop();
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('syncs a commit once for 20 webhooks and 10 polls spread over two servers on one PostgreSQL database', async () => {
    if (!(await postgresTestEnabled())) return;
    const schema = `proton_sync_${process.pid}_${Date.now()}`;
    const common = {
      database: { client: 'pg' as const, connection: PG_CONNECTION, schema },
      git: gitOptions(git),
    };
    const a = await startTemplateTestServer({
      ...common,
      storageDirectory: path.join(scratch, 'a'),
      workDirectory: path.join(scratch, 'a-work'),
    });
    const b = await startTestServer({
      ...common,
      storageDirectory: path.join(scratch, 'b'),
      workDirectory: path.join(scratch, 'b-work'),
    }).catch(async error => {
      await a.stop();
      throw error;
    });
    try {
      const repository = await git.createRepository('platform/replicas');
      await repository.write(environmentFolder('first'));
      await repository.commitAndPush('First');
      await linkAndFollow(a);
      await a.server.settled();
      expect(await versionLabels(b)).toEqual(['1.0 DRAFT']);

      await repository.write(environmentFolder('second'));
      const sha = await repository.commitAndPush('Second');
      const statuses = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => webhook([a, b][i % 2], sha)),
        ...Array.from({ length: 10 }, (_, i) =>
          [a, b][i % 2].server.pollRepositories().then(() => 202),
        ),
      ]);
      expect(new Set(statuses)).toEqual(new Set([202]));
      await Promise.all([a.server.settled(), b.server.settled()]);
      await Promise.all([a.server.settled(), b.server.settled()]);
      expect(await versionLabels(a)).toEqual(['1.0 DRAFT', '1.1 DRAFT']);
      const knex = knexFactory({
        client: 'pg',
        connection: PG_CONNECTION,
        searchPath: [schema],
      });
      try {
        expect(
          await knex('repository_sync_attempts')
            .where({ sha })
            .count({ n: '*' }),
        ).toEqual([{ n: '1' }]);
        expect(await knex('resource_sync_attempts').count({ n: '*' })).toEqual([
          { n: '2' },
        ]);
      } finally {
        await knex.destroy();
      }
    } finally {
      await a.stop();
      await b.stop();
      await dropSchema(schema);
    }
  });

  it('syncs a branch moved back to an earlier commit, and runs again an attempt a stopped server left', async () => {
    const data = path.join(scratch, 'data');
    const database = { client: 'sqlite' as const, directory: data };
    const repository = await git.createRepository('platform/replicas');
    await repository.write(environmentFolder('first'));
    const first = await repository.commitAndPush('First');
    const test = await startTemplateTestServer({
      database,
      git: gitOptions(git),
    });
    try {
      await linkAndFollow(test);
      await test.server.settled();
      await repository.write(environmentFolder('second'));
      const second = await repository.commitAndPush('Second');
      await test.server.pollRepositories();
      await test.server.settled();
      expect(await versionLabels(test)).toEqual(['1.0 DRAFT', '1.1 DRAFT']);
      // a force push back to the first commit: its content differs from the last sync's
      execFileSync(
        'git',
        ['push', '-q', '--force', 'origin', `${first}:refs/heads/main`],
        {
          cwd: repository.directory,
        },
      );
      await test.server.pollRepositories();
      await test.server.settled();
      expect(await versionLabels(test)).toEqual([
        '1.0 DRAFT',
        '1.1 DRAFT',
        '1.2 DRAFT',
      ]);
      // as if a server had stopped in the middle of syncing the second commit again
      execFileSync(
        'git',
        ['push', '-q', '--force', 'origin', `${second}:refs/heads/main`],
        {
          cwd: repository.directory,
        },
      );
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(data, SQLITE_FILE_NAME) },
        useNullAsDefault: true,
      });
      try {
        const branch = await knex('repository_branches').first();
        await knex('repository_sync_attempts').insert({
          id: 'left-by-a-stopped-server',
          repository_provider: 'GITHUB',
          repository_name: 'platform/replicas',
          branch: 'main',
          sync_type: 'TEMPLATE_SYNC',
          generation: branch.generation,
          after_attempt: branch.synced_attempt_id,
          sha: second,
          status: 'IN_PROGRESS',
          started_at: Date.now(),
          events: '[]',
        });
      } finally {
        await knex.destroy();
      }
      await test.server.pollRepositories();
      await test.server.settled();
      expect(await versionLabels(test)).toHaveLength(4);
      const { latestSync } = await test.client.send(
        new GetRepositorySyncStatusCommand({
          repositoryName: 'platform/replicas',
          repositoryProvider: 'GITHUB',
          branch: 'main',
          syncType: 'TEMPLATE_SYNC',
        }),
      );
      expect(latestSync?.status).toBe('SUCCEEDED');
    } finally {
      await test.stop();
    }
  });

  it('takes up a registration that a stopped server left, from its Git revision', async () => {
    const data = path.join(scratch, 'data');
    const database = { client: 'sqlite' as const, directory: data };
    const first = await startTemplateTestServer({
      database,
      git: gitOptions(git),
    });
    try {
      const repository = await git.createRepository('platform/replicas');
      await repository.write(environmentFolder('first'));
      await repository.commitAndPush('First');
      await linkAndFollow(first);
      await first.server.settled();
      expect(await versionLabels(first)).toEqual(['1.0 DRAFT']);
      // a later commit moves the branch on: the interrupted version's commit is no longer its head
      await repository.write(environmentFolder('second'));
      await repository.commitAndPush('Second');
    } finally {
      await first.stop();
    }
    // as if the server had stopped while registering 1.0: nothing of the bundle is kept, and the
    // mirror is gone with the machine
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(data, SQLITE_FILE_NAME) },
      useNullAsDefault: true,
    });
    try {
      await knex('template_versions').update({
        status: 'REGISTRATION_IN_PROGRESS',
        schema: null,
        bundle_location: null,
        claimed_by: 'a-server-that-stopped',
        lease_expires_at: 0,
        registration_attempts: 1,
      });
      await knex('template_bundles').delete();
    } finally {
      await knex.destroy();
    }
    await fs.promises.rm(path.join(data, 'work', 'git-mirrors'), {
      recursive: true,
      force: true,
    });
    const second = await startTestServer({ database, git: gitOptions(git) });
    try {
      await second.server.settled();
      const { environmentTemplateVersion } = await second.client.send(
        new GetEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion: '0',
        }),
      );
      expect(environmentTemplateVersion?.status).toBe('DRAFT');
      // the branch (now at the next commit), then the version's own commit by its SHA
      expect(second.server.gitOperationCounts).toEqual({
        clones: 1,
        fetches: 1,
      });
    } finally {
      await second.stop();
    }
  });
});
