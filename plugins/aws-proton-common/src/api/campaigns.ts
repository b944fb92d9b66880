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
 * One service instance a campaign upgrades.
 *
 * @public
 */
export interface CampaignTarget {
  /** The service instance's ARN. */
  arn: string;
  /** Its service's name. */
  serviceName: string;
  /** The instance's name. */
  instanceName: string;
  /** The environment it is deployed into. */
  environmentName: string;
  /** The wave it belongs to, from 0. */
  wave: number;
  /** `major.minor` it ran when the campaign started. */
  fromVersion: string;
  /** `MINOR_VERSION` within its major version, `MAJOR_VERSION` to a newer major. */
  deploymentType: 'MINOR_VERSION' | 'MAJOR_VERSION';
  /** Where it stands. */
  status: CampaignTargetStatus;
  /** Why it was skipped or failed, in words (a failed deployment's statusMessage). */
  statusMessage?: string;
  /** The catalog entity of its service, when known. */
  entityRef?: string;
  /** The Proton deployment of its upgrade, once Proton started it (its log is read by this ID). */
  deploymentId?: string;
  /** When its upgrade started (ISO 8601). */
  startedAt?: string;
  /** When its upgrade ended, or it was skipped (ISO 8601). */
  finishedAt?: string;
}

/**
 * An upgrade campaign: a service template's instances moved to one version, wave by wave.
 *
 * @public
 */
export interface Campaign {
  /** The campaign's id (a UUID); empty in a dry run. */
  id: string;
  /** The service template's ARN. */
  templateArn: string;
  /** The service template's name. */
  templateName: string;
  /** `major.minor` the instances are upgraded to. */
  targetVersion: string;
  /** The environments of each wave, in order; instances in other environments form a last wave. */
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
  /** Every instance it upgrades or leaves alone, by wave. */
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
   * The instances to upgrade, by ARN; every instance of the template that is not on the target
   * version when absent.
   */
  instanceArns?: string[];
  /** Environments per wave, in order (default: one wave per environment, alphabetical). */
  waves?: string[][];
  /** How many deployments run at once (1 to 50, default 5). */
  maxConcurrent?: number;
  /** Only say what the campaign would do: nothing is stored or deployed. */
  dryRun?: boolean;
}
