import type { Knex } from 'knex';

/**
 * Linked repositories and template sync: the repositories clients link (`CreateRepository`), the
 * templates that follow a branch of one (`CreateTemplateSyncConfig`), each synced branch's state
 * (its claim, requests and the last commit synced), and the sync attempts with their events, per
 * branch and per template major version. Synced template versions record the Git revision their
 * bundle came from.
 */
export const repositorySyncMigration = {
  name: '20261201_08_repositories_and_template_sync',
  async up(knex: Knex) {
    await knex.schema.createTable('repositories', table => {
      table.string('provider', 32).notNullable();
      table.string('name', 100).notNullable();
      table.string('connection_arn', 200).notNullable();
      table.string('encryption_key', 200);
      table.bigInteger('created_at').notNullable();
      table.primary(['provider', 'name']);
    });
    await knex.schema.createTable('template_sync_configs', table => {
      table.string('kind', 16).notNullable();
      table.string('template_name', 100).notNullable();
      table.string('repository_provider', 32).notNullable();
      table.string('repository_name', 100).notNullable();
      table.string('branch', 200).notNullable();
      table.text('subdirectory');
      table.bigInteger('created_at').notNullable();
      table.bigInteger('last_modified_at').notNullable();
      table.primary(['kind', 'template_name']);
      table.index(['repository_provider', 'repository_name', 'branch']);
    });
    await knex.schema.createTable('repository_branches', table => {
      table.string('repository_provider', 32).notNullable();
      table.string('repository_name', 100).notNullable();
      table.string('branch', 200).notNullable();
      table.string('sync_type', 16).notNullable();
      // moved on by every request (webhook, poll, configuration change): a holder that sees it moved
      // while it ran runs again before letting go
      table.integer('request_count').notNullable().defaultTo(0);
      // moved on when the sync configurations of the branch change: the same commit is synced again
      table.integer('generation').notNullable().defaultTo(0);
      table.string('synced_sha', 64);
      table.integer('synced_generation');
      table.string('synced_attempt_id', 64);
      table.string('claimed_by', 200);
      table.bigInteger('lease_expires_at');
      table.primary([
        'repository_provider',
        'repository_name',
        'branch',
        'sync_type',
      ]);
    });
    await knex.schema.createTable('repository_sync_attempts', table => {
      table.string('id', 64).primary();
      table.string('repository_provider', 32).notNullable();
      table.string('repository_name', 100).notNullable();
      table.string('branch', 200).notNullable();
      table.string('sync_type', 16).notNullable();
      table.integer('generation').notNullable();
      // the attempt the branch had been synced by before this one ('' for none): a branch moved back
      // to an earlier commit (a revert, a force push) is a new sync of it
      table.string('after_attempt', 64).notNullable().defaultTo('');
      table.string('sha', 64);
      table.string('status', 16).notNullable();
      table.bigInteger('started_at').notNullable();
      table.text('events').notNullable();
      // one sync of a commit after a given sync per configuration generation, whoever asked for it
      // and however often (two servers never both run it)
      table.unique(
        [
          'repository_provider',
          'repository_name',
          'branch',
          'sync_type',
          'after_attempt',
          'sha',
          'generation',
        ],
        { indexName: 'repository_sync_attempts_commit' },
      );
      table.index(
        [
          'repository_provider',
          'repository_name',
          'branch',
          'sync_type',
          'started_at',
        ],
        'repository_sync_attempts_latest',
      );
    });
    await knex.schema.createTable('resource_sync_attempts', table => {
      table.string('id', 64).primary();
      table.string('sync_type', 16).notNullable();
      table.string('template_kind', 16);
      table.string('target', 100).notNullable();
      table.integer('major');
      table.string('status', 16).notNullable();
      table.bigInteger('started_at').notNullable();
      table.text('initial_revision').notNullable();
      table.text('target_revision').notNullable();
      table.string('tree_id', 64);
      table.integer('generation').notNullable();
      table.integer('template_minor');
      table.text('events').notNullable();
      table.string('repository_attempt_id', 64).notNullable();
      table.index(
        ['sync_type', 'template_kind', 'target', 'major', 'started_at'],
        'resource_sync_attempts_latest',
      );
    });
    await knex.schema.alterTable('template_versions', table => {
      table.text('source_revision');
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('template_versions', table => {
      table.dropColumn('source_revision');
    });
    for (const table of [
      'resource_sync_attempts',
      'repository_sync_attempts',
      'repository_branches',
      'template_sync_configs',
      'repositories',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};

/**
 * Service sync: the services whose instances follow a proton-ops file of a linked repository, and
 * the sync blockers a manual update of such an instance raises. Service instance sync attempts are
 * kept with template sync's, named by `service_name` and the instance as `target`.
 */
export const serviceSyncMigration = {
  name: '20261201_09_service_sync',
  async up(knex: Knex) {
    await knex.schema.createTable('service_sync_configs', table => {
      table.string('service_name', 100).primary();
      table.string('repository_provider', 32).notNullable();
      table.string('repository_name', 100).notNullable();
      table.string('branch', 200).notNullable();
      table.text('file_path').notNullable();
      table.bigInteger('created_at').notNullable();
      table.index(['repository_provider', 'repository_name']);
    });
    await knex.schema.createTable('service_sync_blockers', table => {
      table.string('id', 64).primary();
      table.string('service_name', 100).notNullable();
      table.string('service_instance_name', 100);
      table.string('status', 16).notNullable();
      table.string('type', 16).notNullable();
      table.text('created_reason').notNullable();
      table.bigInteger('created_at').notNullable();
      table.text('resolved_reason');
      table.bigInteger('resolved_at');
      table.text('contexts').notNullable();
      table.index(['service_name', 'status']);
    });
    await knex.schema.alterTable('resource_sync_attempts', table => {
      table.string('service_name', 100);
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('resource_sync_attempts', table => {
      table.dropColumn('service_name');
    });
    await knex.schema.dropTableIfExists('service_sync_blockers');
    await knex.schema.dropTableIfExists('service_sync_configs');
  },
};
