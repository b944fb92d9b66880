import type { Knex } from 'knex';
import {
  Campaign,
  CampaignStatus,
  CampaignTarget,
  CampaignTargetStatus,
} from '@proton-platform/plugin-aws-proton-common';

/** The plugin's own migrations, kept in `aws_proton_migrations` of its database. */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261201_01_campaigns': {
    async up(knex) {
      await knex.schema.createTable('campaigns', table => {
        table.string('id', 64).primary();
        table.string('template_arn', 400).notNullable();
        table.string('template_name', 100).notNullable();
        table.string('target_version', 32).notNullable();
        table.text('waves').notNullable();
        table.integer('max_concurrent').notNullable();
        table.string('status', 16).notNullable();
        table.text('status_message');
        table.string('created_by', 400).notNullable();
        table.bigInteger('created_at').notNullable();
        table.bigInteger('updated_at').notNullable();
        // the template's ARN while the campaign is active, null once it ended: at most one active
        // campaign per template, also when two backends start one at the same moment
        table.string('active_template', 400).unique();
        table.index(['template_arn', 'created_at']);
        table.index(['status']);
      });
      await knex.schema.createTable('campaign_targets', table => {
        table.string('campaign_id', 64).notNullable();
        table.string('arn', 400).notNullable();
        table.string('service_name', 100).notNullable();
        table.string('instance_name', 100).notNullable();
        table.string('environment_name', 100).notNullable();
        table.integer('wave').notNullable();
        table.string('from_version', 32).notNullable();
        table.string('deployment_type', 16).notNullable();
        table.string('status', 16).notNullable();
        table.text('status_message');
        table.string('entity_ref', 400);
        table.bigInteger('started_at');
        table.bigInteger('finished_at');
        // STARTING: until when the backend that claimed it holds the claim
        table.bigInteger('claimed_until');
        table.primary(['campaign_id', 'arn']);
        table.index(['campaign_id', 'status']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('campaign_targets');
      await knex.schema.dropTable('campaigns');
    },
  },
  '20261202_01_campaign_target_deployments': {
    async up(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.string('deployment_id', 64);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.dropColumn('deployment_id');
      });
    },
  },
  // campaigns of pipelines and environments: a target's kind; the rows before it are instances
  '20261202_02_campaign_target_kinds': {
    async up(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.string('kind', 32).notNullable().defaultTo('service-instance');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.dropColumn('kind');
      });
    },
  },
  // minor upgrades by default: a target's own version; null (rows before it) is the campaign's
  '20261202_03_campaign_target_versions': {
    async up(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.string('to_version', 32);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.dropColumn('to_version');
      });
    },
  },
  // who started a deployment from this Backstage (the entity page's updates), for its history
  '20261202_04_deployment_triggers': {
    async up(knex) {
      await knex.schema.createTable('deployment_triggers', table => {
        table.string('deployment_id', 64).primary();
        table.string('kind', 16).notNullable();
        table.string('name', 400).notNullable();
        table.bigInteger('created_at').notNullable();
      });
      // the history reads campaigns' deployments by ID too
      await knex.schema.alterTable('campaign_targets', table => {
        table.index(['deployment_id']);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('campaign_targets', table => {
        table.dropIndex(['deployment_id']);
      });
      await knex.schema.dropTable('deployment_triggers');
    },
  },
};

/**
 * Applies the campaign tables' migrations: idempotent, and safe with several backends starting at
 * once (knex locks its migration table; a backend that finds it locked waits for the other).
 *
 * @throws the migration's error, or a timeout after a minute of finding the table locked
 */
export async function migrateCampaignStore(knex: Knex): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await knex.migrate.latest({
        tableName: 'aws_proton_migrations',
        migrationSource: {
          getMigrations: async () => Object.keys(MIGRATIONS).sort(),
          getMigrationName: (name: string) => name,
          getMigration: async (name: string) => MIGRATIONS[name],
        },
      });
      return;
    } catch (error) {
      if (!/already locked/i.test((error as Error).message) || attempt >= 60) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 1_000));
    }
  }
}

const ACTIVE: CampaignStatus[] = [
  'RUNNING',
  'PAUSED',
  'STOPPING',
  'CANCELLING',
];

/** Target statuses of a deployment being started or running. */
const IN_FLIGHT = ['STARTING', 'DEPLOYING'];

function iso(value: unknown): string | undefined {
  return value === null || value === undefined
    ? undefined
    : new Date(Number(value)).toISOString();
}

/**
 * A target of a row. The columns `service_name` and `environment_name` hold an empty string for a
 * target without one (an environment; a pipeline), and `instance_name` the target's name; a null
 * `to_version` (a campaign stored before targets had their own) is the campaign's version.
 */
function toTarget(
  row: Record<string, any>,
  campaignVersion: string,
): CampaignTarget {
  return {
    kind: row.kind,
    arn: row.arn,
    name: row.instance_name,
    serviceName: row.service_name || undefined,
    environmentName: row.environment_name || undefined,
    wave: Number(row.wave),
    fromVersion: row.from_version,
    toVersion: row.to_version ?? campaignVersion,
    deploymentType: row.deployment_type,
    status: row.status,
    statusMessage: row.status_message ?? undefined,
    entityRef: row.entity_ref ?? undefined,
    deploymentId: row.deployment_id ?? undefined,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** A target with its claim, as the engine reads it. */
export interface StoredCampaignTarget extends CampaignTarget {
  /** For a STARTING target, until when (epoch ms) its claim holds. */
  claimedUntil?: number;
}

function toCampaign(
  row: Record<string, any>,
  targets: CampaignTarget[],
): Campaign {
  return {
    id: row.id,
    templateArn: row.template_arn,
    templateName: row.template_name,
    targetVersion: row.target_version,
    waves: JSON.parse(row.waves),
    maxConcurrent: Number(row.max_concurrent),
    status: row.status,
    statusMessage: row.status_message ?? undefined,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    targets,
  };
}

/**
 * Upgrade campaigns in the backend's database: a campaign and its targets. State changes are
 * conditional updates (the expected status in the WHERE clause), so that several backend processes
 * acting on one campaign never both start the same deployment or both record an outcome.
 */
export class CampaignStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores a new campaign and its targets.
   *
   * @returns false when the template has an active campaign already (nothing is stored)
   */
  async insert(campaign: Campaign): Promise<boolean> {
    const active = ACTIVE.includes(campaign.status);
    if (
      active &&
      (await this.knex('campaigns')
        .where({ active_template: campaign.templateArn })
        .first())
    ) {
      return false;
    }
    try {
      await this.insertRows(campaign, active);
      return true;
    } catch (error) {
      // another backend stored an active campaign of the template in the meantime
      if (
        active &&
        (await this.knex('campaigns')
          .where({ active_template: campaign.templateArn })
          .first())
      ) {
        return false;
      }
      throw error;
    }
  }

  private async insertRows(campaign: Campaign, active: boolean) {
    await this.knex.transaction(async tx => {
      await tx('campaigns').insert({
        active_template: active ? campaign.templateArn : null,
        id: campaign.id,
        template_arn: campaign.templateArn,
        template_name: campaign.templateName,
        target_version: campaign.targetVersion,
        waves: JSON.stringify(campaign.waves),
        max_concurrent: campaign.maxConcurrent,
        status: campaign.status,
        status_message: campaign.statusMessage ?? null,
        created_by: campaign.createdBy,
        created_at: Date.parse(campaign.createdAt),
        updated_at: Date.parse(campaign.updatedAt),
      });
      // in batches: SQLite allows 999 bound values a statement
      const rows = campaign.targets.map(target => ({
        campaign_id: campaign.id,
        arn: target.arn,
        kind: target.kind,
        service_name: target.serviceName ?? '',
        instance_name: target.name,
        environment_name: target.environmentName ?? '',
        wave: target.wave,
        from_version: target.fromVersion,
        to_version: target.toVersion,
        deployment_type: target.deploymentType,
        status: target.status,
        status_message: target.statusMessage ?? null,
        entity_ref: target.entityRef ?? null,
      }));
      for (let start = 0; start < rows.length; start += 50) {
        await tx('campaign_targets').insert(rows.slice(start, start + 50));
      }
    });
  }

  async get(
    id: string,
  ): Promise<(Campaign & { targets: StoredCampaignTarget[] }) | undefined> {
    const row = await this.knex('campaigns').where({ id }).first();
    if (!row) return undefined;
    const targets = await this.knex('campaign_targets')
      .where({ campaign_id: id })
      .orderBy(['wave', 'service_name', 'instance_name']);
    return toCampaign(
      row,
      targets.map(target => ({
        ...toTarget(target, row.target_version),
        claimedUntil:
          target.claimed_until === null
            ? undefined
            : Number(target.claimed_until),
      })),
    ) as Campaign & { targets: StoredCampaignTarget[] };
  }

  /** A template's campaigns, newest first (at most `limit`). */
  async list(templateArn: string, limit = 20): Promise<Campaign[]> {
    const rows = await this.knex('campaigns')
      .where({ template_arn: templateArn })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    const campaigns: Campaign[] = [];
    for (const row of rows)
      campaigns.push(publicView((await this.get(row.id))!));
    return campaigns;
  }

  /** The ids of campaigns that are not over. */
  async activeIds(): Promise<string[]> {
    return this.knex('campaigns')
      .whereIn('status', ACTIVE)
      .orderBy('created_at')
      .pluck('id');
  }

  /**
   * Moves a campaign from one of `from` to `to`.
   *
   * @returns false when the campaign was not in one of `from` (another process or person moved it)
   */
  async setStatus(
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    statusMessage?: string,
  ): Promise<boolean> {
    const changed = await this.knex('campaigns')
      .where({ id })
      .whereIn('status', from)
      .update({
        status: to,
        status_message: statusMessage ?? null,
        updated_at: Date.now(),
      });
    return changed === 1;
  }

  /**
   * Claims a waiting target for this backend (PENDING to STARTING until `claimedUntil`), only while
   * the campaign is RUNNING and has fewer than `maxConcurrent` deployments starting or running. The
   * campaign's row is locked for the check (PostgreSQL; SQLite writes one at a time), so backends
   * claiming at once never exceed the limit.
   *
   * @returns false when the target is taken, the campaign is not running, or the limit is reached
   */
  async claim(
    campaignId: string,
    arn: string,
    claimedUntil: number,
    now: number,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const campaign = await tx('campaigns')
        .where({ id: campaignId })
        .forUpdate()
        .first();
      if (campaign?.status !== 'RUNNING') return false;
      const [{ count }] = await tx('campaign_targets')
        .where({ campaign_id: campaignId })
        .whereIn('status', IN_FLIGHT)
        .count({ count: '*' });
      if (Number(count) >= Number(campaign.max_concurrent)) return false;
      const changed = await tx('campaign_targets')
        .where({ campaign_id: campaignId, arn, status: 'PENDING' })
        .update({
          status: 'STARTING',
          started_at: now,
          claimed_until: claimedUntil,
          status_message: null,
        });
      if (changed === 1) {
        await tx('campaigns')
          .where({ id: campaignId })
          .update({ updated_at: now });
      }
      return changed === 1;
    });
  }

  /**
   * Extends a claim that has not lapsed (the target STARTING, its claim holding at `now`) until
   * `claimedUntil`, just before the backend holding it asks Proton for the update.
   *
   * @returns false when the claim lapsed: another backend may have given it back or taken it
   */
  async renewClaim(
    campaignId: string,
    arn: string,
    claimedUntil: number,
    now: number,
  ): Promise<boolean> {
    const changed = await this.knex('campaign_targets')
      .where({ campaign_id: campaignId, arn, status: 'STARTING' })
      .where('claimed_until', '>=', now)
      .update({ claimed_until: claimedUntil });
    return changed === 1;
  }

  /**
   * Moves a target from `from` to `to`: DEPLOYING once Proton accepted its update, PENDING to give a
   * claim back, or an outcome (SUCCEEDED, FAILED, SKIPPED, NOT_STARTED) with when it ended; with
   * `deploymentId`, records the Proton deployment of its upgrade.
   *
   * @returns false when the target was not in `from`: another backend moved it
   */
  async setTargetStatus(
    campaignId: string,
    arn: string,
    from: CampaignTargetStatus,
    to: CampaignTargetStatus,
    statusMessage?: string,
    deploymentId?: string,
  ): Promise<boolean> {
    const now = Date.now();
    let times: Record<string, number | null> = { finished_at: now };
    if (to === 'DEPLOYING') times = {};
    if (to === 'PENDING') times = { started_at: null };
    const changed = await this.knex('campaign_targets')
      .where({ campaign_id: campaignId, arn, status: from })
      .update({
        status: to,
        status_message: statusMessage ?? null,
        claimed_until: null,
        ...times,
        // the deployment the campaign started keeps its ID; a later one is another's
        ...(deploymentId
          ? {
              deployment_id: this.knex.raw('coalesce(deployment_id, ?)', [
                deploymentId,
              ]),
            }
          : {}),
      });
    if (changed === 1) {
      await this.knex('campaigns')
        .where({ id: campaignId })
        .update({ updated_at: now });
    }
    return changed === 1;
  }

  /**
   * Ends a campaign (`from` to STOPPED, CANCELLED or SUCCEEDED) when none of its deployments is
   * starting or running, marking the targets still waiting NOT_STARTED, in one transaction.
   *
   * @returns false when it is not in `from` or a deployment is still in flight
   */
  async end(
    id: string,
    from: CampaignStatus[],
    to: 'STOPPED' | 'CANCELLED' | 'SUCCEEDED',
    statusMessage?: string,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const campaign = await tx('campaigns').where({ id }).forUpdate().first();
      if (!campaign || !from.includes(campaign.status)) return false;
      const inFlight = await tx('campaign_targets')
        .where({ campaign_id: id })
        .whereIn('status', IN_FLIGHT)
        .first();
      if (inFlight) return false;
      const now = Date.now();
      await tx('campaign_targets')
        .where({ campaign_id: id, status: 'PENDING' })
        .update({ status: 'NOT_STARTED', finished_at: now });
      await tx('campaigns')
        .where({ id })
        .update({
          status: to,
          status_message: statusMessage ?? null,
          active_template: null,
          updated_at: now,
        });
      return true;
    });
  }
}

/** A stored campaign as the API returns it (without the targets' claims). */
export function publicView(campaign: Campaign): Campaign {
  return {
    ...campaign,
    targets: campaign.targets.map(target => {
      const { claimedUntil: _claim, ...rest } = target as StoredCampaignTarget;
      return rest;
    }),
  };
}
