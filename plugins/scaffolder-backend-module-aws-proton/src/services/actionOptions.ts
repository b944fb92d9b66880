import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AuthService,
  DiscoveryService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import {
  AWS_PROTON_EVENTS_TOPIC,
  ProtonResourceChangedEvent,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { DeploymentTriggerRecorder } from './deploymentTriggers';
import { DEFAULT_POLL_INTERVALS, PollIntervals } from './deploymentWaiter';

/**
 * What the AWS Proton actions need.
 *
 * @public
 */
export interface ProtonActionOptions {
  /** Proton clients for the configured accounts and regions. */
  clients: ProtonClientFactory;
  /** Checks the initiator's permission before anything is created; no check when omitted. */
  permissions?: PermissionsService;
  /** Announces created resources on the `aws-proton` topic, so the catalog ingests them at once. */
  events?: EventsService;
  /** How deployments are polled; 1 s growing to 10 s by default. */
  pollIntervals?: PollIntervals;
  /**
   * With `auth`, finds the `aws-proton` backend plugin, which records that the task's initiator
   * started the deployments an action starts (its deployment history names them). Without them, the
   * history shows those deployments without a trigger.
   */
  discovery?: DiscoveryService;
  /** With `discovery`: makes the token, on behalf of the initiator, that the record is sent with. */
  auth?: AuthService;
}

/**
 * What records the task's initiator as the trigger of the deployments an action starts, when the
 * options have `discovery` and `auth` and the action started them (`startedHere`: not when it
 * adopted a resource an earlier run or someone else created, whose deployments are theirs).
 */
export function triggerRecorderOf(
  options: ProtonActionOptions,
  ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
  target: { accountId: string; region: string },
  logger: LoggerService,
  startedHere: boolean,
): DeploymentTriggerRecorder | undefined {
  return startedHere && options.discovery && options.auth
    ? new DeploymentTriggerRecorder(
        options.discovery,
        options.auth,
        () => ctx.getInitiatorCredentials(),
        target,
        logger,
      )
    : undefined;
}

/** The default longest wait for a deployment: 30 minutes. */
export const DEFAULT_MAX_WAIT_SECONDS = 1800;

/** The poll intervals to use. */
export function pollIntervalsOf(options: ProtonActionOptions): PollIntervals {
  return options.pollIntervals ?? DEFAULT_POLL_INTERVALS;
}

/**
 * Refuses the task's initiator unless the permission policy allows `permission`.
 *
 * @param what - what the permission allows, to say in the message (`create AWS Proton services`)
 * @param resourceRef - for a resource permission, the catalog entity it is checked on
 */
export async function authorizeInitiator(
  options: ProtonActionOptions,
  getCredentials: () => Promise<BackstageCredentials>,
  permission: Parameters<PermissionsService['authorize']>[0][0]['permission'],
  what: string,
  resourceRef?: string,
): Promise<void> {
  if (!options.permissions) return;
  const credentials = await getCredentials();
  const request = (
    resourceRef ? { permission, resourceRef } : { permission }
  ) as Parameters<PermissionsService['authorize']>[0][0];
  const [decision] = await options.permissions.authorize([request], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    const who =
      credentials.principal &&
      'userEntityRef' in (credentials.principal as object)
        ? (credentials.principal as { userEntityRef: string }).userEntityRef
        : 'The initiator of this task';
    throw new NotAllowedError(
      `${who} may not ${what}: the permission policy denies ${permission.name}`,
    );
  }
}

/** Publishes a change on the `aws-proton` events topic; a failure is logged, never fatal. */
export async function announceChange(
  options: ProtonActionOptions,
  logger: LoggerService,
  payload: ProtonResourceChangedEvent,
): Promise<void> {
  if (!options.events) return;
  try {
    await options.events.publish({
      topic: AWS_PROTON_EVENTS_TOPIC,
      eventPayload: payload,
    });
  } catch (error) {
    logger.warn(
      `Could not announce ${
        payload.arn
      } on the ${AWS_PROTON_EVENTS_TOPIC} events topic; the catalog will see it at its next read: ${
        (error as Error).message
      }`,
    );
  }
}
