import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  Campaign,
  CampaignTarget,
  campaignTargetLabel,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * Tells the owners of the services and environments a campaign touches what happened to them, through
 * Backstage's notifications: a campaign never fails because a notification could not be sent.
 */
export interface CampaignNotifier {
  /** A newer version is available but the campaign left the target alone (pinned, for example). */
  upgradeAvailable(campaign: Campaign, target: CampaignTarget): Promise<void>;
  /** The target was upgraded to the campaign's version. */
  upgraded(campaign: Campaign, target: CampaignTarget): Promise<void>;
  /** The campaign stopped at the target: its upgrade failed with `reason`. */
  stoppedAt(
    campaign: Campaign,
    target: CampaignTarget,
    reason: string,
  ): Promise<void>;
}

/**
 * Where the target's owners see it: the Proton tab of its service's entity, or an environment's
 * entity page (its Proton card is on the overview).
 */
function targetPage(target: CampaignTarget, entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const page = `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}`;
  return target.kind === 'environment' ? page : `${page}/proton`;
}

/**
 * A {@link CampaignNotifier} that sends each notification to the owners of the target's entity (its
 * service's; an environment's own) (the notifications backend resolves an entity to its owners' users); the campaign's
 * starter is also told where it stopped. Each owner is told once because the campaign sends only
 * after its own status change won in the database; the scope (per campaign, event and instance)
 * groups the notification, and sending it again would mark it unread again.
 */
export function createCampaignNotifier(
  notifications: NotificationService,
  logger: LoggerService,
): CampaignNotifier {
  const send = async (
    campaign: Campaign,
    target: CampaignTarget,
    what: string,
    payload: {
      title: string;
      description: string;
      severity: 'normal' | 'high';
    },
    alsoTell: string[] = [],
  ) => {
    if (!target.entityRef) return;
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: [...new Set([target.entityRef, ...alsoTell])],
        },
        payload: {
          ...payload,
          link: targetPage(target, target.entityRef),
          topic: `Upgrade of ${campaign.templateName} to ${campaign.targetVersion}`,
          scope: `aws-proton:campaign:${campaign.id}:${what}:${target.arn}`,
        },
      });
    } catch (error) {
      logger.warn(
        `Upgrade campaign ${campaign.id}: the owners of ${
          target.entityRef
        } could not be notified: ${(error as Error).message}`,
      );
    }
  };
  const instance = campaignTargetLabel;
  /** " (environment dev)" for a service instance; nothing where the label says it already. */
  const where = (target: CampaignTarget) =>
    target.kind === 'service-instance'
      ? ` (environment ${target.environmentName})`
      : '';
  /** What its owners can do about an upgrade a campaign left out. */
  const whenReady = (target: CampaignTarget) =>
    target.kind === 'service-instance'
      ? 'Upgrade it from its service page when you are ready.'
      : "Remove the pin and run a campaign from the template's page when you are ready.";
  const logPlace = (target: CampaignTarget) =>
    target.kind === 'environment' ? 'environment page' : 'service page';

  return {
    upgradeAvailable: (campaign, target) =>
      send(campaign, target, 'available', {
        title: `${campaign.templateName} ${
          target.toVersion
        } is available for ${instance(target)}`,
        description: `An upgrade campaign moves what runs ${
          campaign.templateName
        } from ${target.fromVersion} to ${target.toVersion} and left ${instance(
          target,
        )} alone (${target.statusMessage}). ${whenReady(target)}`,
        severity: 'normal',
      }),
    upgraded: (campaign, target) =>
      send(campaign, target, 'upgraded', {
        title: `${instance(target)} was upgraded to ${campaign.templateName} ${
          target.toVersion
        }`,
        description: `The upgrade campaign started by ${
          campaign.createdBy
        } moved ${instance(target)}${where(target)} from ${
          target.fromVersion
        } to ${target.toVersion}; its deployment succeeded.`,
        severity: 'normal',
      }),
    stoppedAt: (campaign, target, reason) =>
      send(
        campaign,
        target,
        'stopped',
        {
          title: `The upgrade campaign of ${
            campaign.templateName
          } stopped at ${instance(target)}`,
          description: `Upgrading ${instance(target)}${where(target)} from ${
            target.fromVersion
          } to ${
            target.toVersion
          } failed: ${reason}. The upgrades after it were not started; its deployment log is on the ${logPlace(
            target,
          )}.`,
          severity: 'high',
        },
        campaign.createdBy.startsWith('user:') ? [campaign.createdBy] : [],
      ),
  };
}
