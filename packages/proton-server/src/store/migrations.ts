import type { Knex } from 'knex';
import { isPostgres } from './databaseDialect';
import {
  repositorySyncMigration,
  serviceSyncMigration,
} from './repositorySyncMigration';

/**
 * The schema of the control plane's database, as ordered knex migrations kept in code so that the
 * same list runs from sources, from the bundled dist and inside a Backstage backend.
 * Every timestamp is stored as epoch milliseconds.
 */
interface ProtonMigration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

function timestamps(table: Knex.CreateTableBuilder): void {
  table.bigInteger('created_at').notNullable();
  table.bigInteger('last_modified_at').notNullable();
}

function deploymentColumns(table: Knex.CreateTableBuilder): void {
  table.string('deployment_status', 32).notNullable();
  table.text('deployment_status_message');
  table.string('last_attempted_deployment_id', 64);
  table.string('last_succeeded_deployment_id', 64);
  table.bigInteger('last_deployment_attempted_at');
  table.bigInteger('last_deployment_succeeded_at');
}

const initialSchema: ProtonMigration = {
  name: '20261126_01_initial_schema',
  async up(knex) {
    await knex.schema.createTable('templates', table => {
      table.string('kind', 16).notNullable();
      table.string('name', 100).notNullable();
      table.string('display_name', 100);
      table.text('description');
      table.string('encryption_key', 200);
      table.string('pipeline_provisioning', 32);
      table.string('provisioning', 32);
      timestamps(table);
      table.primary(['kind', 'name']);
    });
    await knex.schema.createTable('template_versions', table => {
      table.string('kind', 16).notNullable();
      table.string('template_name', 100).notNullable();
      table.integer('major').notNullable();
      table.integer('minor').notNullable();
      table.string('status', 32).notNullable();
      table.text('status_message');
      table.text('description');
      table.text('schema');
      table.string('source_bucket', 63).notNullable();
      table.string('source_key', 1024).notNullable();
      table.text('compatible_environment_templates');
      table.text('supported_component_sources');
      timestamps(table);
      table.primary(['kind', 'template_name', 'major', 'minor']);
      table
        .foreign(['kind', 'template_name'])
        .references(['kind', 'name'])
        .inTable('templates');
    });
    await knex.schema.createTable('environments', table => {
      table.string('name', 100).primary();
      table.string('template_name', 100).notNullable();
      table.integer('template_major').notNullable();
      table.integer('template_minor').notNullable();
      table.text('spec');
      table.text('description');
      table.string('proton_service_role_arn', 200);
      table.string('codebuild_role_arn', 200);
      table.string('component_role_arn', 200);
      table.string('environment_account_connection_id', 64);
      table.string('environment_account_id', 12);
      table.string('provisioning', 32);
      table.text('provisioning_repository');
      deploymentColumns(table);
      timestamps(table);
    });
    await knex.schema.createTable('services', table => {
      table.string('name', 100).primary();
      table.string('template_name', 100).notNullable();
      table.text('spec').notNullable();
      table.text('description');
      table.string('status', 64).notNullable();
      table.text('status_message');
      table.string('repository_connection_arn', 200);
      table.string('repository_id', 200);
      table.string('branch_name', 200);
      table.text('pipeline');
      timestamps(table);
    });
    await knex.schema.createTable('service_instances', table => {
      table.string('service_name', 100).notNullable();
      table.string('name', 100).notNullable();
      table.string('environment_name', 100).notNullable();
      table.string('template_name', 100).notNullable();
      table.integer('template_major').notNullable();
      table.integer('template_minor').notNullable();
      table.text('spec');
      table.string('last_client_request_token', 64);
      deploymentColumns(table);
      timestamps(table);
      table.primary(['service_name', 'name']);
      table.foreign('service_name').references('name').inTable('services');
    });
    await knex.schema.createTable('deployments', table => {
      table.string('id', 64).primary();
      table.string('target_arn', 200).notNullable();
      table.string('target_resource_type', 64).notNullable();
      table.string('action', 16).notNullable();
      table.bigInteger('target_resource_created_at').notNullable();
      table.string('environment_name', 100).notNullable();
      table.string('service_name', 100);
      table.string('service_instance_name', 100);
      table.string('template_name', 100).notNullable();
      table.integer('template_major').notNullable();
      table.integer('template_minor').notNullable();
      table.string('deployment_status', 32).notNullable();
      table.text('status_message');
      table.text('initial_state');
      table.text('target_state').notNullable();
      table.string('last_attempted_deployment_id', 64);
      table.string('last_succeeded_deployment_id', 64);
      table.bigInteger('completed_at');
      timestamps(table);
      table.index(['target_arn', 'created_at']);
    });
    await knex.schema.createTable('outputs', table => {
      table.string('resource_arn', 200).notNullable();
      table.string('key', 1024).notNullable();
      table.text('value_string');
      table.string('deployment_id', 64);
      table.primary(['resource_arn', 'key']);
    });
    await knex.schema.createTable('tags', table => {
      table.string('resource_arn', 200).notNullable();
      table.string('key', 128).notNullable();
      table.string('value', 256).notNullable();
      table.primary(['resource_arn', 'key']);
    });
    await knex.schema.createTable('idempotency_tokens', table => {
      table.string('operation', 64).notNullable();
      table.string('token', 64).notNullable();
      table.string('request_hash', 64).notNullable();
      table.text('response').notNullable();
      table.bigInteger('created_at').notNullable();
      table.primary(['operation', 'token']);
    });
  },
  async down(knex) {
    for (const table of [
      'idempotency_tokens',
      'tags',
      'outputs',
      'deployments',
      'service_instances',
      'services',
      'environments',
      'template_versions',
      'templates',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};

/**
 * What running deployments need to survive a crash and to be shared by servers on one database:
 * the job itself, the server that claimed it until when (a lease), how often it was started, the
 * outputs notified while it ran, and the logs of ended deployments.
 */
const deploymentExecution: ProtonMigration = {
  name: '20261126_02_deployment_execution',
  async up(knex) {
    await knex.schema.alterTable('deployments', table => {
      table.text('job');
      table.string('claimed_by', 64);
      table.bigInteger('lease_expires_at');
      table.integer('attempts').notNullable().defaultTo(0);
      table.text('notified_outputs');
    });
    await knex.schema.createTable('deployment_logs', table => {
      table.string('deployment_id', 64).primary();
      table.text('log').notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('deployment_logs');
    await knex.schema.alterTable('deployments', table => {
      table.dropColumns(
        'job',
        'claimed_by',
        'lease_expires_at',
        'attempts',
        'notified_outputs',
      );
    });
  },
};

/** The deployment states in which a deployment has not ended (at most one per target). */
const OPEN_STATUSES = ['IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS'];

/**
 * What running on PostgreSQL with several processes needs:
 * - at most one open deployment per target, guaranteed by a partial unique index rather than by a
 *   status read before the write (open deployments of one target that earlier versions could leave
 *   behind are ended first, all but the newest);
 * - what a runner must remember across a restart of the process running it (a CodeBuild build id);
 * - registered template bundles kept in the database (or at a recorded S3 location), not in a
 *   directory of one machine;
 * - claims of template registrations, so that one interrupted by a crash is resumed or failed.
 */
const productionSafety: ProtonMigration = {
  name: '20261130_03_production_safety',
  async up(knex) {
    const duplicated = await knex('deployments')
      .whereIn('deployment_status', OPEN_STATUSES)
      .groupBy('target_arn')
      .havingRaw('count(*) > 1')
      .select('target_arn');
    for (const { target_arn: targetArn } of duplicated) {
      const [newest, ...older] = await knex('deployments')
        .where({ target_arn: targetArn })
        .whereIn('deployment_status', OPEN_STATUSES)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .select('id');
      if (!newest) continue;
      await knex('deployments')
        .whereIn(
          'id',
          older.map(row => row.id),
        )
        .update({
          deployment_status: 'FAILED',
          status_message:
            'Superseded by a later deployment of the same resource that started while this one ran',
          completed_at: Date.now(),
        });
    }
    await knex.raw(
      `CREATE UNIQUE INDEX deployments_one_open_per_target ON deployments (target_arn) WHERE deployment_status IN (${OPEN_STATUSES.map(
        status => `'${status}'`,
      ).join(', ')})`,
    );
    await knex.schema.alterTable('deployments', table => {
      table.text('runner_state');
    });
    await knex.schema.alterTable('template_versions', table => {
      table.string('bundle_location', 1100);
      table.string('bundle_sha256', 64);
      table.string('claimed_by', 64);
      table.bigInteger('lease_expires_at');
      table.integer('registration_attempts').notNullable().defaultTo(0);
    });
    await knex.schema.createTable('template_bundles', table => {
      table.string('kind', 16).notNullable();
      table.string('template_name', 100).notNullable();
      table.integer('major').notNullable();
      table.integer('minor').notNullable();
      table.string('sha256', 64).notNullable();
      table.binary('content').notNullable();
      table.bigInteger('created_at').notNullable();
      table.primary(['kind', 'template_name', 'major', 'minor']);
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('template_bundles');
    await knex.schema.alterTable('template_versions', table => {
      table.dropColumns(
        'bundle_location',
        'bundle_sha256',
        'claimed_by',
        'lease_expires_at',
        'registration_attempts',
      );
    });
    await knex.schema.alterTable('deployments', table => {
      table.dropColumn('runner_state');
    });
    await knex.raw('DROP INDEX IF EXISTS deployments_one_open_per_target');
  },
};

/**
 * The parameters each idempotent create was called with (by the hash of the request), so that an
 * identical repeat answers the existing resource and a different one is refused.
 */
const createRequests: ProtonMigration = {
  name: '20261201_04_create_requests',
  async up(knex) {
    await knex.schema.createTable('create_requests', table => {
      table.string('resource_arn', 1100).primary();
      table.string('operation', 64).notNullable();
      table.string('request_hash', 64).notNullable();
      table.bigInteger('created_at').notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('create_requests');
  },
};

/** A service instance ARN in the form earlier versions made: `...:service/<service>/<instance>`. */
const EARLIER_INSTANCE_ARN =
  /^(arn:[a-z-]+:proton:[a-z0-9-]+:\d{12}:service\/[0-9A-Za-z][0-9A-Za-z_-]*)\/([0-9A-Za-z][0-9A-Za-z_-]*)$/;

/** Before this migration a service had no other child: every such ARN is an instance's, whatever its name. */
function awsInstanceArn(arn: string): string | undefined {
  const match = EARLIER_INSTANCE_ARN.exec(arn);
  return match ? `${match[1]}/service-instance/${match[2]}` : undefined;
}

/**
 * Service instance ARNs in AWS's form, `...:service/<service>/service-instance/<instance>` (as
 * `aws proton get-service-instance` shows them), where earlier versions stored
 * `...:service/<service>/<instance>`: in deployments, outputs and tags.
 */
const awsInstanceArns: ProtonMigration = {
  name: '20261201_05_aws_service_instance_arns',
  async up(knex) {
    // AWS's form is longer: ARNs of names that Proton allows up to 100 characters each no longer fit
    // 200 characters (SQLite does not enforce a varchar's length; PostgreSQL does).
    if (isPostgres(knex)) {
      for (const [table, column] of [
        ['deployments', 'target_arn'],
        ['outputs', 'resource_arn'],
        ['tags', 'resource_arn'],
      ]) {
        await knex.raw('ALTER TABLE ?? ALTER COLUMN ?? TYPE varchar(1100)', [
          table,
          column,
        ]);
      }
    }
    for (const [table, column] of [
      ['deployments', 'target_arn'],
      ['outputs', 'resource_arn'],
      ['tags', 'resource_arn'],
    ]) {
      const rows = await knex(table).distinct(column);
      for (const row of rows) {
        const renamed = awsInstanceArn(row[column]);
        if (renamed) {
          await knex(table)
            .where({ [column]: row[column] })
            .update({ [column]: renamed });
        }
      }
    }
  },
  async down() {
    // The earlier form is still read everywhere an ARN comes in: nothing to undo.
  },
};

/**
 * Service pipelines: the CI/CD pipeline of a service whose template has one, with its own template
 * version and deployment state. Its deployments are kept with the others, with an empty
 * `environment_name` (a pipeline belongs to no environment).
 */
const servicePipelines: ProtonMigration = {
  name: '20261201_06_service_pipelines',
  async up(knex) {
    await knex.schema.createTable('service_pipelines', table => {
      table.string('service_name', 100).primary();
      table.string('pipeline_id', 64).notNullable();
      table.string('template_name', 100).notNullable();
      table.integer('template_major').notNullable();
      table.integer('template_minor').notNullable();
      table.text('spec').notNullable();
      deploymentColumns(table);
      timestamps(table);
      table.foreign('service_name').references('name').inTable('services');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('service_pipelines');
  },
};

/**
 * Directly defined components: a developer's own infrastructure as code, attached to a service
 * instance or standing alone in an environment. Their deployments are kept with the others, named by
 * `component_name`, with an empty template (a component has none).
 */
const components: ProtonMigration = {
  name: '20261201_07_components',
  async up(knex) {
    await knex.schema.createTable('components', table => {
      table.string('name', 100).primary();
      table.text('description');
      table.string('environment_name', 100).notNullable();
      table.string('service_name', 100);
      table.string('service_instance_name', 100);
      table.text('service_spec');
      table.text('manifest').notNullable();
      table.text('template_file').notNullable();
      table.string('last_client_request_token', 64);
      deploymentColumns(table);
      timestamps(table);
      // at most one component per service instance (NULLs, standalone components, stay distinct)
      table.unique(['service_name', 'service_instance_name']);
      table.index(['environment_name']);
    });
    await knex.schema.alterTable('deployments', table => {
      table.string('component_name', 100);
    });
  },
  async down(knex) {
    await knex.schema.alterTable('deployments', table => {
      table.dropColumn('component_name');
    });
    await knex.schema.dropTableIfExists('components');
  },
};

const MIGRATIONS: ProtonMigration[] = [
  initialSchema,
  deploymentExecution,
  productionSafety,
  createRequests,
  awsInstanceArns,
  servicePipelines,
  components,
  repositorySyncMigration,
  serviceSyncMigration,
];

/** The knex migration source holding every migration of the control plane's schema. */
export const protonMigrationSource: Knex.MigrationSource<ProtonMigration> = {
  async getMigrations() {
    return MIGRATIONS;
  },
  getMigrationName(migration) {
    return migration.name;
  },
  async getMigration(migration) {
    return migration;
  },
};
