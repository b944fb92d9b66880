import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  GetServiceTemplateVersionCommand,
  ListServiceTemplatesCommand,
  TagResourceCommand,
  ListTagsForResourceCommand,
  ValidationException,
  CreateEnvironmentCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  ListEnvironmentOutputsCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListDeployments,
  UpdateEnvironmentCommand,
  UpdateEnvironmentTemplateVersionCommand,
} from '@aws-sdk/client-proton';
import knexFactory from 'knex';
import {
  environmentBundleFiles,
  serviceBundleFiles,
  writeBundle,
} from '../__testUtils__/templateBundles';
import { startTestServer, TestServer } from '../__testUtils__/testServer';
import type { ProtonDatabaseOptions } from './database';
import { openProtonDatabase } from './database';
import { protonMigrationSource } from './migrations';
import { PG_CONNECTION, postgresTestEnabled } from '../__testUtils__/postgres';

/** The same flow on each database: templates, a registered version, tags and a conflict. */
async function exerciseDatabase(database: ProtonDatabaseOptions) {
  const test = await startTestServer({ database });
  try {
    await test.client.send(
      new CreateEnvironmentTemplateCommand({ name: 'vpc' }),
    );
    const envSource = await writeBundle(
      test.bundlesDirectory,
      'bucket1',
      'vpc.tar.gz',
      environmentBundleFiles(),
    );
    await test.client.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'vpc',
        source: { s3: envSource },
      }),
    );
    await test.client.send(
      new CreateServiceTemplateCommand({
        name: 'web',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
      }),
    );
    const source = await writeBundle(
      test.bundlesDirectory,
      'bucket1',
      'web.tar.gz',
      serviceBundleFiles(),
    );
    await test.client.send(
      new CreateServiceTemplateVersionCommand({
        templateName: 'web',
        source: { s3: source },
        compatibleEnvironmentTemplates: [
          { templateName: 'vpc', majorVersion: '1' },
        ],
      }),
    );
    await test.server.settled();
    const version = await test.client.send(
      new GetServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
      }),
    );
    expect(version.serviceTemplateVersion).toMatchObject({
      status: 'DRAFT',
      majorVersion: '1',
      minorVersion: '0',
    });
    expect(
      version.serviceTemplateVersion!.createdAt!.getTime(),
    ).toBeGreaterThan(Date.now() - 60_000);
    const arn = 'arn:aws:proton:us-east-1:000000000000:service-template/web';
    await test.client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [{ key: 'a', value: '1' }],
      }),
    );
    await test.client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [{ key: 'a', value: '2' }],
      }),
    );
    expect(
      (
        await test.client.send(
          new ListTagsForResourceCommand({ resourceArn: arn }),
        )
      ).tags,
    ).toEqual([{ key: 'a', value: '2' }]);
    const duplicate = await test.client
      .send(new CreateServiceTemplateCommand({ name: 'web', description: 'x' }))
      .catch(e => e);
    expect(duplicate).toBeInstanceOf(ValidationException);
    const page = await test.client.send(new ListServiceTemplatesCommand({}));
    expect(page.templates?.map(t => t.name)).toEqual(['web']);
    await exerciseDeployments(test);
  } finally {
    await test.stop();
  }
}

/** Environments and their deployments: JSON columns, outputs and the newest-first deployment pages. */
async function exerciseDeployments(test: TestServer) {
  await test.client.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      majorVersion: '1',
      minorVersion: '0',
      status: 'PUBLISHED',
    }),
  );
  const spec = 'proton: EnvironmentSpec\nspec: {}\n';
  await test.client.send(
    new CreateEnvironmentCommand({
      name: 'dev',
      templateName: 'vpc',
      templateMajorVersion: '1',
      spec,
    }),
  );
  const resourceArn = 'arn:aws:proton:us-east-1:000000000000:environment/dev';
  await test.client.send(
    new NotifyResourceDeploymentStatusChangeCommand({
      resourceArn,
      status: 'SUCCEEDED',
      outputs: [{ key: 'vpcId', valueString: 'vpc-1' }],
    }),
  );
  for (let i = 0; i < 2; i++) {
    await test.client.send(
      new UpdateEnvironmentCommand({
        name: 'dev',
        deploymentType: 'CURRENT_VERSION',
      }),
    );
    await test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn,
        status: 'SUCCEEDED',
      }),
    );
  }
  const ids: string[] = [];
  for await (const deploymentPage of paginateListDeployments(
    { client: test.client, pageSize: 1 },
    { environmentName: 'dev' },
  )) {
    ids.push(...deploymentPage.deployments!.map(d => d.id!));
  }
  const environment = await test.client.send(
    new GetEnvironmentCommand({ name: 'dev' }),
  );
  expect(ids).toHaveLength(3);
  expect(ids[0]).toBe(environment.environment?.lastSucceededDeploymentId);
  const first = await test.client.send(
    new GetDeploymentCommand({ id: ids[2] }),
  );
  expect(first.deployment?.targetState?.environment?.spec).toBe(spec);
  const outputs = await test.client.send(
    new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
  );
  expect(outputs.outputs).toEqual([]);
}

describe('the database', () => {
  it('runs every operation on in-memory SQLite', async () => {
    await exerciseDatabase({ client: 'sqlite', directory: ':memory:' });
  });

  it('migrates a SQLite file once and keeps its data', async () => {
    const directory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'proton-db-'),
    );
    const first = await openProtonDatabase({ client: 'sqlite', directory });
    await first('templates').insert({
      kind: 'service',
      name: 'kept',
      created_at: 1,
      last_modified_at: 1,
    });
    await first.destroy();
    const second = await openProtonDatabase({ client: 'sqlite', directory });
    expect((await second('templates').select('name')).map(r => r.name)).toEqual(
      ['kept'],
    );
    // Each migration ran once.
    expect(
      (await second('proton_server_migrations').select('name')).map(
        r => r.name,
      ),
    ).toEqual([
      '20261126_01_initial_schema',
      '20261126_02_deployment_execution',
      '20261130_03_production_safety',
      '20261201_04_create_requests',
      '20261201_05_aws_service_instance_arns',
      '20261201_06_service_pipelines',
      '20261201_07_components',
      '20261201_08_repositories_and_template_sync',
      '20261201_09_service_sync',
    ]);
    await second.destroy();
    await fs.promises.rm(directory, { recursive: true, force: true });
  });

  it('moves service instance ARNs stored in the earlier form to AWS’s', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const migrations = {
      migrationSource: protonMigrationSource,
      tableName: 'proton_server_migrations',
    };
    for (let i = 0; i < 4; i++) await knex.migrate.up(migrations);
    const prefix = 'arn:aws:proton:us-east-1:000000000000:service/api';
    await knex('tags').insert([
      { resource_arn: `${prefix}/dev`, key: 'team', value: 'a' },
      { resource_arn: prefix, key: 'team', value: 'b' },
    ]);
    await knex('outputs').insert({
      resource_arn: `${prefix}/dev`,
      key: 'url',
      value_string: 'http://api',
    });
    await knex.migrate.latest(migrations);
    expect(
      (await knex('tags').orderBy('value')).map(row => row.resource_arn),
    ).toEqual([`${prefix}/service-instance/dev`, prefix]);
    expect((await knex('outputs').first()).resource_arn).toBe(
      `${prefix}/service-instance/dev`,
    );
    await knex.destroy();
  });

  it('runs every operation on PostgreSQL, in a schema of its own', async () => {
    if (!(await postgresTestEnabled())) return;
    const schema = `proton_test_${process.pid}_${Date.now()}`;
    try {
      await exerciseDatabase({
        client: 'pg',
        connection: PG_CONNECTION,
        schema,
      });
    } finally {
      const admin = knexFactory({ client: 'pg', connection: PG_CONNECTION });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
    }
  }, 30_000);
});
