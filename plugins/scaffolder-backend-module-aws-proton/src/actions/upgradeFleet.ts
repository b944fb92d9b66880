import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  Campaign,
  CampaignStatus,
  campaignTargetLabel,
} from '@proton-platform/plugin-aws-proton-common';
import { CampaignClient } from '../services/campaignClient';
import { pause, PollIntervals } from '../services/deploymentWaiter';
import { DEFAULT_MAX_WAIT_SECONDS } from '../services/actionOptions';
import type {
  AwsProtonUpgradeFleetInput,
  AwsProtonUpgradeFleetOutput,
  SameKeys,
} from './actionTypes';
import { examples } from './upgradeFleet.examples';

const ACTIVE: CampaignStatus[] = [
  'RUNNING',
  'PAUSED',
  'STOPPING',
  'CANCELLING',
];

/**
 * What `aws:proton:upgrade-fleet` needs.
 *
 * @public
 */
export interface UpgradeFleetActionOptions {
  /** Finds the `aws-proton` backend plugin, which stores and runs campaigns. */
  discovery: DiscoveryService;
  /** Issues the token that calls it on behalf of the task's initiator. */
  auth: AuthService;
  /** How a campaign is polled while the action waits for it; 1 s growing to 10 s by default. */
  pollIntervals?: PollIntervals;
}

function describePlan(campaign: Campaign, logger: LoggerService) {
  // pipelines, which have no environment, form the wave after the environments' waves
  [...campaign.waves, ['pipelines']].forEach((environments, index) => {
    const targets = campaign.targets.filter(
      t => t.wave === index && t.status !== 'SKIPPED',
    );
    if (targets.length === 0) return;
    logger.info(
      `Wave ${index + 1} (${
        environments.join(', ') || 'other environments'
      }): ${targets
        .map(t => `${campaignTargetLabel(t)} ${t.fromVersion} → ${t.toVersion}`)
        .join(', ')}`,
    );
  });
  for (const skipped of campaign.targets.filter(t => t.status === 'SKIPPED')) {
    logger.info(
      `Left alone: ${campaignTargetLabel(skipped)} (${skipped.statusMessage})`,
    );
  }
}

function outputOf(campaign: Campaign): AwsProtonUpgradeFleetOutput {
  return {
    campaignId: campaign.id,
    status: campaign.status,
    statusMessage: campaign.statusMessage,
    targetVersion: campaign.targetVersion,
    waves: campaign.waves,
    targets: campaign.targets.map(t => ({
      kind: t.kind,
      name: t.name,
      serviceName: t.serviceName,
      environmentName: t.environmentName,
      wave: t.wave,
      fromVersion: t.fromVersion,
      toVersion: t.toVersion,
      deploymentType: t.deploymentType,
      status: t.status,
      statusMessage: t.statusMessage,
    })),
  };
}

/**
 * The `aws:proton:upgrade-fleet` action: starts an upgrade campaign over what runs a template (a
 * service template's service instances and pipelines, an environment template's environments; the
 * template page's "Upgrade to recommended"), or in a dry run only plans it and logs
 * the waves. The campaign is stored and run by the `aws-proton` backend plugin on behalf of the
 * task's initiator, who needs `aws-proton.template.upgrade-fleet` on the template's entity. With
 * `wait`, the step follows the campaign to its end and fails when it stops at a failed target; it
 * reads again through a backend that cannot be reached for a while, stops following (failing, while
 * the campaign carries on) after `maxWaitSeconds` or a minute before the initiator's sign-in expires,
 * and a task resumed after a restart follows the campaign it started (a checkpoint) instead of
 * starting another.
 *
 * @public
 */
export function createAwsProtonUpgradeFleetAction(
  options: UpgradeFleetActionOptions,
): TemplateAction<
  AwsProtonUpgradeFleetInput,
  AwsProtonUpgradeFleetOutput,
  'v2'
> {
  const campaigns = new CampaignClient(options.discovery, options.auth);
  const intervals = options.pollIntervals ?? {
    initialMs: 1_000,
    maxMs: 10_000,
  };
  const action = createTemplateAction({
    id: 'aws:proton:upgrade-fleet',
    description:
      "Upgrades what runs a template to a version (the recommended one by default), wave by wave, as an upgrade campaign: a service template's service instances and pipelines, or an environment template's environments; in a dry run, only plans the waves",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        template: z =>
          z
            .string()
            .describe(
              'The catalog entity of the service or environment template, e.g. resource:default/service-template-fargate-service',
            ),
        targetVersion: z =>
          z
            .string()
            .regex(/^\d{1,20}\.\d{1,20}$/, 'must be a version such as 1.1')
            .optional()
            .describe(
              "major.minor; the template's recommended version by default",
            ),
        includeMajorUpgrades: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Also move what runs an older major version to the target version, where its inputs validate against it (the others are left for a developer); by default an older major version moves to its newest minor version',
            ),
        waves: z =>
          z
            .array(z.array(z.string()))
            .optional()
            .describe(
              'Environments per wave, in order, e.g. [[dev], [staging], [prod]]; by stage (dev, test, staging, prod) by default',
            ),
        maxConcurrent: z =>
          z
            .number()
            .int()
            .min(1)
            .max(50)
            .optional()
            .describe('How many deployments run at once (default 5)'),
        targetArns: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              "Only these (ARNs of the template's service instances and pipelines, or of its environments); everything behind the target version by default",
            ),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Only plan the campaign and log its waves (also in a scaffolder dry run)',
            ),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Follow the campaign to its end (default false: the step ends once it started; it carries on in the backend)',
            ),
        maxWaitSeconds: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe(
              'The longest wait for the campaign, in seconds (default 1800)',
            ),
      },
      output: {
        campaignId: z =>
          z.string().describe("The campaign's id; empty in a dry run"),
        status: z => z.string(),
        statusMessage: z => z.string().optional(),
        targetVersion: z => z.string(),
        waves: z => z.array(z.array(z.string())),
        targets: z =>
          z.array(
            z.object({
              kind: z
                .enum(['service-instance', 'pipeline', 'environment'])
                .describe('What the target is'),
              name: z
                .string()
                .describe(
                  "The service instance's or environment's name; pipeline for a pipeline",
                ),
              serviceName: z
                .string()
                .optional()
                .describe('For a service instance or pipeline'),
              environmentName: z
                .string()
                .optional()
                .describe('Absent for a pipeline'),
              wave: z.number(),
              fromVersion: z.string(),
              toVersion: z
                .string()
                .describe('The version it is upgraded to (major.minor)'),
              deploymentType: z
                .enum(['MINOR_VERSION', 'MAJOR_VERSION'])
                .describe('A minor or a major upgrade'),
              status: z.string(),
              statusMessage: z.string().optional(),
            }),
          ),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      let template;
      try {
        template = parseEntityRef(input.template, {
          defaultKind: 'resource',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `template must be a catalog entity reference such as resource:default/service-template-fargate-service: ${
            (error as Error).message
          }`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const dryRun = ctx.isDryRun || input.dryRun === true;
      const request = {
        targetVersion: input.targetVersion,
        includeMajorUpgrades: input.includeMajorUpgrades,
        waves: input.waves,
        maxConcurrent: input.maxConcurrent,
        targetArns: input.targetArns,
        dryRun,
      };
      const name = stringifyEntityRef(template);
      let campaign: Campaign | undefined;
      let campaignId = '';
      // when the campaign started (epoch ms): a resumed task's wait counts from there
      let startedAt = Date.now();
      if (dryRun) {
        campaign = await campaigns.start(credentials, template, request);
      } else {
        // A task resumed after a restart follows the campaign it started instead of starting another.
        const started = await ctx.checkpoint({
          key: `aws-proton.upgrade-fleet.${name}`,
          fn: async () => {
            campaign = await campaigns.start(credentials, template, request);
            return { campaignId: campaign.id, startedAt: Date.now() };
          },
        });
        campaignId = started.campaignId;
        startedAt = started.startedAt;
        if (!campaign) {
          logger.info(
            `Resuming: following the upgrade campaign ${campaignId} this task started`,
          );
          campaign = await campaigns.get(credentials, template, campaignId);
        }
      }
      const planned = campaign;
      const upgrading = planned.targets.filter(t => t.status !== 'SKIPPED');
      // pipelines, which have no environment, form a wave after the environments' waves
      const waves =
        planned.waves.length +
        (upgrading.some(t => t.wave >= planned.waves.length) ? 1 : 0);
      logger.info(
        `${dryRun ? 'Planned' : 'Started'} an upgrade campaign of ${name} to ${
          campaign.targetVersion
        }: ${upgrading.length} upgrade${
          upgrading.length === 1 ? '' : 's'
        } in ${waves} wave${waves === 1 ? '' : 's'}, at most ${
          campaign.maxConcurrent
        } at once${campaign.id ? ` (campaign ${campaign.id})` : ''}`,
      );
      describePlan(campaign, logger);

      if (!dryRun && input.wait) {
        const maxWaitSeconds = input.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
        // the initiator's token calls the backend: the wait ends a minute before it expires
        const expiresAt = credentials.expiresAt?.getTime();
        const byExpiry =
          expiresAt !== undefined &&
          expiresAt - 60_000 < startedAt + maxWaitSeconds * 1_000;
        const until = byExpiry
          ? expiresAt - 60_000
          : startedAt + maxWaitSeconds * 1_000;
        let delay = intervals.initialMs;
        const seen = new Map(campaign.targets.map(t => [t.arn, t.status]));
        while (ACTIVE.includes(campaign.status)) {
          if (Date.now() >= until) {
            ctx.output('campaignId', campaign.id);
            const why = byExpiry
              ? `when the initiator's sign-in was about to expire (at ${new Date(
                  expiresAt,
                ).toISOString()})`
              : `after ${maxWaitSeconds} seconds`;
            throw new Error(
              `The campaign ${campaign.id} is still ${campaign.status} ${why}; it carries on in the backend, and its progress is on the template's page`,
            );
          }
          await pause(delay, ctx.signal, `the campaign ${campaign.id}`);
          try {
            campaign = await campaigns.get(credentials, template, campaign.id);
          } catch (error) {
            // a backend restarting or a replica going away: the campaign carries on; read it again
            if (!(error instanceof ServiceUnavailableError)) throw error;
            logger.warn(
              `Could not read the campaign ${campaign.id}, trying again: ${error.message}`,
            );
            delay = Math.min(delay * 1.5, intervals.maxMs);
            continue;
          }
          const changed = campaign.targets.filter(
            t => seen.get(t.arn) !== t.status,
          );
          for (const target of changed) {
            logger.info(
              `${campaignTargetLabel(target)}: ${target.status}${
                target.statusMessage ? ` (${target.statusMessage})` : ''
              }`,
            );
          }
          for (const target of changed) seen.set(target.arn, target.status);
          delay =
            changed.length > 0
              ? intervals.initialMs
              : Math.min(delay * 1.5, intervals.maxMs);
        }
        logger.info(
          `The campaign ${campaign.status.toLowerCase()}${
            campaign.statusMessage ? `: ${campaign.statusMessage}` : ''
          }`,
        );
      }

      const output = outputOf(campaign);
      ctx.output('campaignId', output.campaignId);
      ctx.output('status', output.status);
      if (output.statusMessage) {
        ctx.output('statusMessage', output.statusMessage);
      }
      ctx.output('targetVersion', output.targetVersion);
      ctx.output('waves', output.waves);
      ctx.output('targets', output.targets);
      if (campaign.status === 'STOPPED' || campaign.status === 'CANCELLED') {
        throw new Error(
          `The upgrade campaign of ${name} ${campaign.status.toLowerCase()}: ${
            campaign.statusMessage ?? 'see its page'
          }`,
        );
      }
    },
  });
  const checked: SameKeys<
    typeof action,
    AwsProtonUpgradeFleetInput,
    AwsProtonUpgradeFleetOutput
  > = action;
  return checked;
}
