import {
  GitHttpServer,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import {
  ENVIRONMENT_SCHEMA,
  environmentBundleFiles,
} from '../__testUtils__/templateBundles';
import { startTestServer } from '../__testUtils__/testServer';

/**
 * Linked repositories and template sync configurations through the three clients (AWS Proton API
 * reference: CreateRepository, GetRepository, ListRepositories, DeleteRepository,
 * CreateTemplateSyncConfig, GetTemplateSyncConfig, UpdateTemplateSyncConfig,
 * DeleteTemplateSyncConfig, GetTemplateSyncStatus, GetRepositorySyncStatus,
 * ListRepositorySyncDefinitions).
 */

jest.setTimeout(120_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/conformance';
const BITBUCKET_CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/bitbucket';

let git: GitHttpServer | undefined;

afterAll(async () => {
  await git?.stop();
});

const { kinds } = protonClientKinds();

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'repositories and template sync with %s',
  (name, kind) => {
    const repositoryName = `platform/${name
      .replace(/\W+/g, '-')
      .toLowerCase()}`;
    const harness = useConformanceServer(kind, async options => {
      git ??= await startGitHttpServer();
      return startTestServer({
        ...options,
        git: {
          connections: [
            { arn: CONNECTION, provider: 'GITHUB', baseUrl: git.baseUrl },
            {
              arn: BITBUCKET_CONNECTION,
              provider: 'BITBUCKET',
              baseUrl: git.baseUrl,
            },
          ],
          pollIntervalSeconds: 0,
        },
      });
    });
    const { call } = harness;
    let sha = '';

    beforeAll(async () => {
      const copy = await git!.createRepository(repositoryName);
      const files: Record<string, string> = {};
      for (const [file, content] of Object.entries(environmentBundleFiles())) {
        files[`envs/vpc/v1/${file}`] = content;
      }
      files['envs/vpc/v1/schema/schema.yaml'] = ENVIRONMENT_SCHEMA;
      await copy.write(files);
      sha = await copy.commitAndPush('The vpc environment template');
      expectOk(await call('CreateEnvironmentTemplate', { name: 'vpc' }));
    });

    it('links a repository, idempotently, through a configured connection of its provider', async () => {
      expect(
        expectError(
          await call('CreateRepository', {
            provider: 'GITHUB',
            name: repositoryName,
            connectionArn: CONNECTION.replace('conformance', 'missing'),
          }),
          'ValidationException',
          400,
        ),
      ).toMatch(/connection\/missing is not configured on this control plane/);
      expect(
        expectError(
          await call('CreateRepository', {
            provider: 'GITHUB',
            name: repositoryName,
            connectionArn: BITBUCKET_CONNECTION,
          }),
          'ValidationException',
        ),
      ).toBe(
        `The connection ${BITBUCKET_CONNECTION} reaches BITBUCKET repositories, not GITHUB`,
      );
      const expected = {
        repository: {
          arn: `arn:aws:proton:us-east-1:000000000000:repository/github:${repositoryName}`,
          provider: 'GITHUB',
          name: repositoryName,
          connectionArn: CONNECTION,
        },
      };
      const input = {
        provider: 'GITHUB',
        name: repositoryName,
        connectionArn: CONNECTION,
      };
      expect(expectOk(await call('CreateRepository', input))).toEqual(expected);
      expect(expectOk(await call('CreateRepository', input))).toEqual(expected);
      expect(
        expectOk(
          await call('GetRepository', {
            provider: 'GITHUB',
            name: repositoryName,
          }),
        ),
      ).toEqual(expected);
      expect(expectOk(await call('ListRepositories', {}))).toEqual({
        repositories: [expected.repository],
      });
      expect(
        expectError(
          await call('GetRepository', {
            provider: 'BITBUCKET',
            name: repositoryName,
          }),
          'ResourceNotFoundException',
          404,
        ),
      ).toBe(`The BITBUCKET repository ${repositoryName} does not exist`);
      expect(
        expectError(
          await call('CreateRepository', {
            ...input,
            provider: 'BITBUCKET',
            connectionArn: BITBUCKET_CONNECTION,
            name: 'not-owner-slash-repo',
          }),
          'ValidationException',
        ),
      ).toMatch(/name/);
      // a name that would leave the connection's base URL
      expect(
        expectError(
          await call('CreateRepository', {
            ...input,
            name: 'platform/../../etc',
          }),
          'ValidationException',
        ),
      ).toBe(
        'The repository name "platform/../../etc" is not owner/repo made of letters, digits, ".", "_" and "-"',
      );
    });

    it('creates a template sync configuration that syncs the branch at once', async () => {
      const config = {
        templateName: 'vpc',
        templateType: 'ENVIRONMENT',
        repositoryProvider: 'GITHUB',
        repositoryName,
        branch: 'main',
        subdirectory: 'envs',
      };
      expect(
        expectError(
          await call('CreateTemplateSyncConfig', {
            ...config,
            templateName: 'nothing',
          }),
          'ValidationException',
        ),
      ).toBe(
        'The environment template nothing does not exist; create it before its sync configuration',
      );
      expect(
        expectError(
          await call('CreateTemplateSyncConfig', {
            ...config,
            repositoryName: 'platform/unlinked',
          }),
          'ValidationException',
        ),
      ).toBe(
        'The GITHUB repository platform/unlinked is not linked; link it with CreateRepository first',
      );
      expect(
        expectError(
          await call('CreateTemplateSyncConfig', {
            ...config,
            subdirectory: '../elsewhere',
          }),
          'ValidationException',
        ),
      ).toMatch(/without "\." or "\.\." segments/);
      expect(
        expectError(
          await call('CreateTemplateSyncConfig', {
            ...config,
            branch: 'main..*',
          }),
          'ValidationException',
        ),
      ).toBe('The branch name "main..*" is not a valid Git branch name');
      expect(expectOk(await call('CreateTemplateSyncConfig', config))).toEqual({
        templateSyncConfig: config,
      });
      expect(
        expectError(
          await call('CreateTemplateSyncConfig', config),
          'ConflictException',
          409,
        ),
      ).toMatch(/already has a template sync configuration/);
      expect(
        expectOk(
          await call('GetTemplateSyncConfig', {
            templateName: 'vpc',
            templateType: 'ENVIRONMENT',
          }),
        ),
      ).toEqual({ templateSyncConfig: config });
      const status = expectOk(
        await call('GetTemplateSyncStatus', {
          templateName: 'vpc',
          templateType: 'ENVIRONMENT',
          templateVersion: '1',
        }),
      );
      const revision = {
        repositoryName,
        repositoryProvider: 'GITHUB',
        branch: 'main',
        sha,
        directory: 'envs/vpc/v1',
      };
      expect(status.latestSync).toMatchObject({
        status: 'SUCCEEDED',
        target: 'vpc',
        initialRevision: revision,
        targetRevision: revision,
      });
      expect(typeof status.latestSync.startedAt).toBe('number');
      expect(status.latestSync.events.at(-1)).toMatchObject({
        type: 'SUCCEEDED',
        event: 'Registered version 1.0 as DRAFT',
        externalId: '1.0',
      });
      expect(status.latestSuccessfulSync).toEqual(status.latestSync);
      expect(status.desiredState).toEqual(revision);
      expect(
        expectOk(
          await call('GetEnvironmentTemplateVersion', {
            templateName: 'vpc',
            majorVersion: '1',
            minorVersion: '0',
          }),
        ).environmentTemplateVersion.status,
      ).toBe('DRAFT');
      const repositoryStatus = expectOk(
        await call('GetRepositorySyncStatus', {
          repositoryName,
          repositoryProvider: 'GITHUB',
          branch: 'main',
          syncType: 'TEMPLATE_SYNC',
        }),
      );
      expect(repositoryStatus.latestSync.status).toBe('SUCCEEDED');
      expect(repositoryStatus.latestSync.events[0].event).toBe(
        `Syncing commit ${sha.slice(0, 12)} of ${repositoryName}@main`,
      );
      expect(
        expectOk(
          await call('GetRepositorySyncStatus', {
            repositoryName,
            repositoryProvider: 'GITHUB',
            branch: 'other',
            syncType: 'TEMPLATE_SYNC',
          }),
        ),
      ).toEqual({});
      expect(
        expectOk(
          await call('ListRepositorySyncDefinitions', {
            repositoryName,
            repositoryProvider: 'GITHUB',
            syncType: 'TEMPLATE_SYNC',
          }),
        ),
      ).toEqual({
        syncDefinitions: [
          { branch: 'main', directory: 'envs', parent: 'vpc', target: 'vpc' },
        ],
      });
    });

    it('updates and deletes a configuration, and keeps a used repository linked', async () => {
      const updated = {
        templateName: 'vpc',
        templateType: 'ENVIRONMENT',
        repositoryProvider: 'GITHUB',
        repositoryName,
        branch: 'release',
      };
      expect(expectOk(await call('UpdateTemplateSyncConfig', updated))).toEqual(
        {
          templateSyncConfig: updated,
        },
      );
      const failed = expectOk(
        await call('GetRepositorySyncStatus', {
          repositoryName,
          repositoryProvider: 'GITHUB',
          branch: 'release',
          syncType: 'TEMPLATE_SYNC',
        }),
      );
      expect(failed.latestSync.status).toBe('FAILED');
      expect(failed.latestSync.events[0].event).toMatch(
        new RegExp(
          `^Fetching ${repositoryName}@release failed: fatal: couldn't find remote ref refs/heads/release`,
        ),
      );
      expect(
        expectError(
          await call('DeleteRepository', {
            provider: 'GITHUB',
            name: repositoryName,
          }),
          'ConflictException',
        ),
      ).toBe(
        `The repository ${repositoryName} is used by the template sync configuration of environment template vpc; delete those first`,
      );
      expect(
        expectOk(
          await call('DeleteTemplateSyncConfig', {
            templateName: 'vpc',
            templateType: 'ENVIRONMENT',
          }),
        ),
      ).toEqual({ templateSyncConfig: updated });
      for (const operation of [
        'GetTemplateSyncConfig',
        'DeleteTemplateSyncConfig',
      ]) {
        expect(
          expectError(
            await call(operation, {
              templateName: 'vpc',
              templateType: 'ENVIRONMENT',
            }),
            'ResourceNotFoundException',
          ),
        ).toBe(
          'The template sync configuration of the environment template vpc does not exist',
        );
      }
      expect(
        expectOk(
          await call('DeleteRepository', {
            provider: 'GITHUB',
            name: repositoryName,
          }),
        ).repository.name,
      ).toBe(repositoryName);
      expect(expectOk(await call('ListRepositories', {}))).toEqual({
        repositories: [],
      });
    });
  },
);
