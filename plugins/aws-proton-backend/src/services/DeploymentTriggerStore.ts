import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { DeploymentTrigger } from '@proton-platform/plugin-aws-proton-common';
import type { Knex } from 'knex';

/** Who a request's credentials are, as the trigger of the deployments it starts. */
export function triggerOf(
  credentials: BackstageCredentials,
): DeploymentTrigger {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef
    ? { kind: 'user', name: principal.userEntityRef }
    : { kind: 'service', name: principal.subject ?? principal.type };
}

/**
 * Who or what started deployments, in the plugin's database: the updates a user started from an
 * entity page or an action, the deployments the scaffolder's AWS Proton actions started for a user
 * (`POST /v1/deployments/triggers`) and those service sync started (kept when the history first
 * finds them in the sync status), recorded here; and the upgrades of campaigns, read from their
 * targets. Deployments started elsewhere (the AWS CLI, the console, a pipeline) have none.
 */
export class DeploymentTriggerStore {
  constructor(
    private readonly knex: Knex,
    private readonly logger?: LoggerService,
  ) {}

  /**
   * Records that `trigger` started the deployment (a later record of the same ID is ignored). The
   * deployment has started by then: a database that fails here only loses who started it (logged),
   * never the update.
   */
  async record(
    deploymentId: string,
    trigger: DeploymentTrigger,
  ): Promise<void> {
    try {
      await this.knex('deployment_triggers')
        .insert({
          deployment_id: deploymentId,
          kind: trigger.kind,
          name: trigger.name,
          created_at: Date.now(),
        })
        .onConflict('deployment_id')
        .ignore();
    } catch (error) {
      this.logger?.warn(
        `Who started deployment ${deploymentId} (${
          trigger.name
        }) was not recorded: ${(error as Error).message}`,
      );
    }
  }

  /** The triggers of those of `deploymentIds` that this Backstage started, by deployment ID. */
  async find(deploymentIds: string[]): Promise<Map<string, DeploymentTrigger>> {
    const found = new Map<string, DeploymentTrigger>();
    // in batches: SQLite allows 999 bound values a statement
    for (let start = 0; start < deploymentIds.length; start += 200) {
      const ids = deploymentIds.slice(start, start + 200);
      const recorded = await this.knex('deployment_triggers').whereIn(
        'deployment_id',
        ids,
      );
      for (const row of recorded) {
        found.set(row.deployment_id, { kind: row.kind, name: row.name });
      }
      const upgrades = await this.knex('campaign_targets')
        .join('campaigns', 'campaigns.id', 'campaign_targets.campaign_id')
        .whereIn('campaign_targets.deployment_id', ids)
        .select(
          'campaign_targets.deployment_id as deployment_id',
          'campaign_targets.to_version as to_version',
          'campaigns.template_name as template_name',
          'campaigns.target_version as target_version',
        );
      for (const row of upgrades) {
        found.set(row.deployment_id, {
          kind: 'campaign',
          name: `upgrade of ${row.template_name} to ${
            row.to_version ?? row.target_version
          }`,
        });
      }
    }
    return found;
  }
}
