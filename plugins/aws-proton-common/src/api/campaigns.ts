/**
 * The state of an upgrade campaign.
 *
 * - `RUNNING`: deploying its waves in order;
 * - `PAUSED`: starts no deployment until resumed (those running finish);
 * - `STOPPING` / `STOPPED`: a deployment failed (the health gate): no further deployment starts;
 *   `STOPPING` while deployments already started finish;
 * - `CANCELLING` / `CANCELLED`: cancelled by a person, likewise;
 * - `SUCCEEDED`: every target was upgraded or skipped.
 *
 * @public
 */
export type CampaignStatus =
  | 'RUNNING'
  | 'PAUSED'
  | 'STOPPING'
  | 'STOPPED'
  | 'CANCELLING'
  | 'CANCELLED'
  | 'SUCCEEDED';

/**
 * Where one instance of a campaign stands.
 *
 * - `PENDING`: waits for its wave; `STARTING`: a backend claimed it and is asking Proton to upgrade
 *   it; `DEPLOYING`: its upgrade runs; `SUCCEEDED`: upgraded;
 * - `FAILED`: its deployment failed (the campaign stops there);
 * - `SKIPPED`: left alone (pinned, already on the target version, or its update refused);
 * - `NOT_STARTED`: the campaign ended (stopped or cancelled) before its turn: it keeps its version.
 *
 * @public
 */
export type CampaignTargetStatus =
  | 'PENDING'
  | 'STARTING'
  | 'DEPLOYING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'SKIPPED'
  | 'NOT_STARTED';

/**
 * What a campaign target is: a service instance or a service's pipeline (service templates), or an
 * environment (environment templates).
 *
 * @public
 */
export type CampaignTargetKind =
  | 'service-instance'
  | 'pipeline'
  | 'environment';

/**
 * One service instance, pipeline or environment a campaign upgrades.
 *
 * @public
 */
export interface CampaignTarget {
  /** What it is. */
  kind: CampaignTargetKind;
  /** Its ARN. */
  arn: string;
  /** The service instance's or the environment's name; `pipeline` for a pipeline. */
  name: string;
  /** For a service instance or a pipeline, its service's name. */
  serviceName?: string;
  /** The environment it is deployed into (an environment's own name); absent for a pipeline. */
  environmentName?: string;
  /** The wave it belongs to, from 0. */
  wave: number;
  /** `major.minor` it ran when the campaign started. */
  fromVersion: string;
  /**
   * `major.minor` it is upgraded to: the campaign's `targetVersion`, except for a target on an older
   * major version in a campaign without major upgrades (see `CampaignRequest.includeMajorUpgrades`),
   * which moves to the newest published minor version of its own major version.
   */
  toVersion: string;
  /** `MINOR_VERSION` within its major version, `MAJOR_VERSION` to a newer major. */
  deploymentType: 'MINOR_VERSION' | 'MAJOR_VERSION';
  /** Where it stands. */
  status: CampaignTargetStatus;
  /** Why it was skipped or failed, in words (a failed deployment's statusMessage). */
  statusMessage?: string;
  /** The catalog entity of its service (of an environment: its own), when known. */
  entityRef?: string;
  /** The Proton deployment of its upgrade, once Proton started it (its log is read by this ID). */
  deploymentId?: string;
  /** When its upgrade started (ISO 8601). */
  startedAt?: string;
  /** When its upgrade ended, or it was skipped (ISO 8601). */
  finishedAt?: string;
}

/**
 * An upgrade campaign: what runs a template moved to one version, wave by wave: a service
 * template's service instances and pipelines, or an environment template's environments.
 *
 * @public
 */
export interface Campaign {
  /** The campaign's id (a UUID); empty in a dry run. */
  id: string;
  /** The template's ARN (a service template's or an environment template's). */
  templateArn: string;
  /** The template's name. */
  templateName: string;
  /**
   * `major.minor` the campaign moves the template's fleet to; each target's own `toVersion` says
   * where it goes (an older major version's newest minor when major upgrades are not included).
   */
  targetVersion: string;
  /**
   * The environments of each wave, in order (for an environment template, the environments
   * themselves). Targets in other environments form a further wave, and pipelines, which have no
   * environment, the last wave of all: their target's `wave` is then `waves.length` or more.
   */
  waves: string[][];
  /** How many deployments run at once. */
  maxConcurrent: number;
  /** Where it stands. */
  status: CampaignStatus;
  /** Why it stopped, or what it is waiting for, in words. */
  statusMessage?: string;
  /** Who started it (a user entity reference). */
  createdBy: string;
  /** When it was started (ISO 8601). */
  createdAt: string;
  /** When it last changed (ISO 8601). */
  updatedAt: string;
  /** Every service instance, pipeline or environment it upgrades or leaves alone, by wave. */
  targets: CampaignTarget[];
}

/**
 * What starts a campaign (the body of `POST .../template/campaigns`).
 *
 * @public
 */
export interface CampaignRequest {
  /** `major.minor` to upgrade to; the template's recommended version when absent. */
  targetVersion?: string;
  /**
   * What to upgrade, by ARN: service instances and pipelines of a service template, environments of
   * an environment template; when absent, everything of the template that is not on the target
   * version.
   */
  targetArns?: string[];
  /**
   * Also move targets on an older major version across to `targetVersion` (a `MAJOR_VERSION`
   * deployment), each only when its inputs validate against the target version's schema: a target
   * whose inputs do not (a new required input without a default, a value the new schema refuses) is
   * skipped as needing a developer's input, with what is wrong. Default false: minor upgrades only,
   * so a target on an older major version moves to the newest published minor version of its own
   * major version, as Proton's MINOR_VERSION update does.
   */
  includeMajorUpgrades?: boolean;
  /**
   * Environments per wave, in order (default: one wave per environment, in the order stages are
   * promoted: names with dev, test, qa, stag, then other names, then preprod, prod).
   */
  waves?: string[][];
  /** How many deployments run at once (1 to 50, default 5). */
  maxConcurrent?: number;
  /** Only say what the campaign would do: nothing is stored or deployed. */
  dryRun?: boolean;
}

/**
 * How a campaign target is named in words: `orders/dev` (a service instance), `orders (pipeline)`,
 * `environment dev`.
 *
 * @public
 */
export function campaignTargetLabel(
  target: Pick<CampaignTarget, 'kind' | 'name' | 'serviceName'>,
): string {
  if (target.kind === 'environment') return `environment ${target.name}`;
  if (target.kind === 'pipeline') return `${target.serviceName} (pipeline)`;
  return `${target.serviceName}/${target.name}`;
}
