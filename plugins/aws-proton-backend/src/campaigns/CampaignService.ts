import { randomUUID } from 'node:crypto';
import {
  GetEnvironmentCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  GetServiceTemplateVersionCommand,
  paginateListServiceInstances,
  ServiceInstanceSummary,
  ListTagsForResourceCommand,
  ProtonClient,
  UpdateEnvironmentCommand,
  UpdateServiceInstanceCommand,
  UpdateServicePipelineCommand,
} from '@aws-sdk/client-proton';
import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  awsProtonEnvironmentUpdatePermission,
  awsProtonServiceInstanceUpdatePermission,
  awsProtonServicePipelineUpdatePermission,
  Campaign,
  CampaignRequest,
  CampaignStatus,
  CampaignTarget,
  CampaignTargetKind,
  campaignTargetLabel,
  formatProtonArn,
  parseProtonArn,
  parseProtonSchema,
  parseProtonSpec,
  formatValidationIssue,
  PROTON_PINNED_TAG_KEY,
  ProtonArn,
  ProtonEnvironmentSpec,
  ProtonSchema,
  ProtonSpecError,
  ProtonValidationIssue,
  TemplateFleetMember,
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import {
  ProtonCallContext,
  callProton,
  ProtonClientFactory,
} from '@proton-platform/plugin-aws-proton-node';
import { cacheKeys, ProtonReadCache } from '../services/ProtonReadCache';
import { TemplateFleetService } from '../services/TemplateFleetService';
import { CampaignNotifier } from './campaignNotifications';
import {
  CampaignStore,
  publicView,
  StoredCampaignTarget,
} from './campaignStore';

/** How far apart the clocks of Proton and the backend may be when a round lists recent deployments. */
const CLOCK_MARGIN_MS = 5_000;

/** How many deployments a campaign runs at once unless told otherwise, and the most it may. */
const DEFAULT_MAX_CONCURRENT = 5;
const MAX_CONCURRENT = 50;

const ACTIVE: CampaignStatus[] = [
  'RUNNING',
  'PAUSED',
  'STOPPING',
  'CANCELLING',
];

/** Stages in the order environments are usually promoted through, for the default waves. */
const STAGES = ['dev', 'test', 'qa', 'stag', 'preprod', 'prod'];

function stageRank(environment: string): number {
  const name = environment.toLowerCase();
  const index = STAGES.findIndex(stage => name.includes(stage));
  // unknown names between staging and production
  return index === -1 ? STAGES.indexOf('preprod') - 0.5 : index;
}

/**
 * "Upgraded 3 service instances and 1 pipeline to 2.0", and where targets went to other versions
 * (an older major version's newest minor), "…; 1 service instance to 1.3".
 */
function upgradedMessage(targets: CampaignTarget[], version: string): string {
  const nouns: Record<CampaignTargetKind, [string, string]> = {
    'service-instance': ['service instance', 'service instances'],
    pipeline: ['pipeline', 'pipelines'],
    environment: ['environment', 'environments'],
  };
  const counts = (of: CampaignTarget[]) =>
    (Object.keys(nouns) as CampaignTargetKind[])
      .flatMap(kind => {
        const count = of.filter(t => t.kind === kind).length;
        return count === 0
          ? []
          : [`${count} ${nouns[kind][count === 1 ? 0 : 1]}`];
      })
      .join(' and ');
  const versions = [...new Set(targets.map(t => t.toVersion))]
    .sort(compareVersions)
    .reverse();
  if (versions.length === 0) return `Upgraded nothing to ${version}`;
  return `Upgraded ${versions
    .map(to => `${counts(targets.filter(t => t.toVersion === to))} to ${to}`)
    .join('; ')}`;
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** "service template web" or "environment template env". */
function templateWords(template: ProtonArn): string {
  return `${
    template.resourceType === 'environment-template' ? 'environment' : 'service'
  } template ${template.name}`;
}

/** The cache key of the template's fleet, read again whenever a campaign changes it. */
function fleetKey(template: ProtonArn): string {
  return cacheKeys.templateFleet(
    template.accountId,
    template.region,
    template.resourceType === 'environment-template'
      ? 'environment'
      : 'service',
    template.name,
  );
}

function userOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}

/** What a campaign reads of a target's deployment, whatever its kind. */
type Deployed = Pick<
  ServiceInstanceSummary,
  | 'deploymentStatus'
  | 'deploymentStatusMessage'
  | 'templateMajorVersion'
  | 'templateMinorVersion'
  | 'lastAttemptedDeploymentId'
>;

/** The permission that lets a person upgrade a target of each kind, and what it is refused as. */
const UPDATE_PERMISSIONS: Record<
  CampaignTargetKind,
  { permission: ResourcePermission<'catalog-entity'>; what: string }
> = {
  'service-instance': {
    permission: awsProtonServiceInstanceUpdatePermission,
    what: 'the instances of',
  },
  pipeline: {
    permission: awsProtonServicePipelineUpdatePermission,
    what: 'the pipeline of',
  },
  environment: {
    permission: awsProtonEnvironmentUpdatePermission,
    what: 'the environment',
  },
};

/**
 * The Proton calls a campaign makes on a target, by its kind: read its deployment, read its pin,
 * upgrade it. Errors are Backstage's, in words (see `callProton`).
 */
class TargetOperations {
  constructor(
    private readonly client: ProtonClient,
    private readonly template: ProtonArn,
  ) {}

  private call<T>(
    operation: string,
    target: CampaignTarget | string,
    send: () => Promise<T>,
  ): Promise<T> {
    const context: ProtonCallContext = {
      operation,
      resource:
        typeof target === 'string' ? target : campaignTargetLabel(target),
      accountId: this.template.accountId,
      region: this.template.region,
    };
    return callProton(context, send);
  }

  /** The target's deployment now; undefined for a service without a pipeline. */
  async read(target: CampaignTarget): Promise<Deployed | undefined> {
    const { client } = this;
    switch (target.kind) {
      case 'environment':
        return (
          await this.call('GetEnvironment', target, () =>
            client.send(new GetEnvironmentCommand({ name: target.name })),
          )
        ).environment;
      case 'pipeline':
        return (
          await this.call('GetService', target, () =>
            client.send(new GetServiceCommand({ name: target.serviceName })),
          )
        ).service?.pipeline;
      default:
        return (
          await this.call('GetServiceInstance', target, () =>
            client.send(
              new GetServiceInstanceCommand({
                serviceName: target.serviceName,
                name: target.name,
              }),
            ),
          )
        ).serviceInstance;
    }
  }

  /**
   * The reason of the target's `proton:pinned` tag (empty when it gives none), or undefined when
   * it has none. AWS tags services, not pipelines: a pipeline is pinned by its service's tag.
   */
  async pin(target: CampaignTarget): Promise<string | undefined> {
    const resourceArn =
      target.kind === 'pipeline'
        ? formatProtonArn({
            ...this.template,
            resourceType: 'service',
            name: target.serviceName!,
          })
        : target.arn;
    const { tags } = await this.call('ListTagsForResource', target, () =>
      this.client.send(new ListTagsForResourceCommand({ resourceArn })),
    );
    const pin = tags?.find(tag => tag.key === PROTON_PINNED_TAG_KEY);
    return pin ? pin.value?.trim() ?? '' : undefined;
  }

  /**
   * The schema of the template's version `version` (`major.minor`).
   *
   * @throws InputError when Proton returns none or it is not a valid Proton schema
   */
  async schema(version: string): Promise<ProtonSchema> {
    const [majorVersion, minorVersion] = version.split('.');
    const request = {
      templateName: this.template.name,
      majorVersion,
      minorVersion,
    };
    const what = `${templateWords(this.template)} ${version}`;
    const text =
      this.template.resourceType === 'environment-template'
        ? (
            await this.call('GetEnvironmentTemplateVersion', what, () =>
              this.client.send(
                new GetEnvironmentTemplateVersionCommand(request),
              ),
            )
          ).environmentTemplateVersion?.schema
        : (
            await this.call('GetServiceTemplateVersion', what, () =>
              this.client.send(new GetServiceTemplateVersionCommand(request)),
            )
          ).serviceTemplateVersion?.schema;
    if (!text) throw new InputError(`The ${what} has no schema`);
    try {
      return parseProtonSchema(text);
    } catch (error) {
      throw new InputError(
        `The schema of the ${what} cannot be read: ${(error as Error).message}`,
      );
    }
  }

  /**
   * What is wrong with the target's inputs under `schema` (a newer major version's), as Proton's
   * update would find it: an instance's entry of its service's spec, a pipeline's `pipeline`
   * section, an environment's `spec`. Empty when they validate.
   */
  async inputProblems(
    target: CampaignTarget,
    schema: ProtonSchema,
  ): Promise<ProtonValidationIssue[]> {
    const { client } = this;
    try {
      switch (target.kind) {
        case 'environment': {
          const text = (
            await this.call('GetEnvironment', target, () =>
              client.send(new GetEnvironmentCommand({ name: target.name })),
            )
          ).environment?.spec;
          const spec: ProtonEnvironmentSpec = text
            ? parseProtonSpec(text, 'EnvironmentSpec')
            : { proton: 'EnvironmentSpec', spec: {} };
          return validateEnvironmentSpec(schema, spec).errors;
        }
        case 'pipeline': {
          const text = (
            await this.call('GetService', target, () =>
              client.send(new GetServiceCommand({ name: target.serviceName })),
            )
          ).service?.pipeline?.spec;
          const spec = text
            ? parseProtonSpec(text, 'ServiceSpec')
            : { proton: 'ServiceSpec' as const, instances: [] };
          return validateServiceSpec(schema, {
            ...spec,
            instances: [],
          }).errors.filter(issue => issue.path.startsWith('pipeline'));
        }
        default: {
          const text = (
            await this.call('GetServiceInstance', target, () =>
              client.send(
                new GetServiceInstanceCommand({
                  serviceName: target.serviceName,
                  name: target.name,
                }),
              ),
            )
          ).serviceInstance?.spec;
          const entry = text
            ? parseProtonSpec(text, 'ServiceSpec').instances.find(
                instance => instance.name === target.name,
              )
            : undefined;
          return validateServiceInstanceSpec(schema, entry?.spec ?? {}).errors;
        }
      }
    } catch (error) {
      if (!(error instanceof ProtonSpecError)) throw error;
      return error.issues;
    }
  }

  /**
   * Deploys `version` (`major.minor`) to the target, keeping its spec.
   *
   * @returns the ID of the deployment Proton started
   */
  async upgrade(
    target: CampaignTarget,
    version: string,
  ): Promise<string | undefined> {
    const { client } = this;
    const [templateMajorVersion, templateMinorVersion] = version.split('.');
    const change = {
      deploymentType: target.deploymentType,
      templateMajorVersion,
      templateMinorVersion,
    };
    switch (target.kind) {
      case 'environment':
        return (
          await this.call('UpdateEnvironment', target, () =>
            client.send(
              new UpdateEnvironmentCommand({ name: target.name, ...change }),
            ),
          )
        ).environment?.lastAttemptedDeploymentId;
      case 'pipeline': {
        // UpdateServicePipeline needs the spec: the pipeline's own, as it runs now
        const found = await this.call('GetService', target, () =>
          client.send(new GetServiceCommand({ name: target.serviceName })),
        );
        const spec = found.service?.pipeline?.spec;
        if (!spec) {
          throw new InputError(
            `The service ${target.serviceName} has no pipeline spec to deploy again`,
          );
        }
        return (
          await this.call('UpdateServicePipeline', target, () =>
            client.send(
              new UpdateServicePipelineCommand({
                serviceName: target.serviceName,
                spec,
                ...change,
              }),
            ),
          )
        ).pipeline?.lastAttemptedDeploymentId;
      }
      default:
        return (
          await this.call('UpdateServiceInstance', target, () =>
            client.send(
              new UpdateServiceInstanceCommand({
                serviceName: target.serviceName,
                name: target.name,
                ...change,
              }),
            ),
          )
        ).serviceInstance?.lastAttemptedDeploymentId;
    }
  }
}

/**
 * Upgrade campaigns: what runs a template moved to one version, wave by wave (by environment), a
 * few deployments at a time, behind a health gate (the next wave starts only when every deployment
 * of the previous one succeeded; the first failure stops the campaign). A service template's
 * campaign upgrades its service instances and then its services' pipelines; an environment
 * template's, its environments. Campaigns and their targets live in the backend's database;
 * {@link CampaignService.advance} moves every active campaign on from what the database says, so a
 * restart or another replica carries on.
 */
export class CampaignService {
  constructor(
    private readonly store: CampaignStore,
    private readonly fleets: TemplateFleetService,
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
    private readonly permissions: PermissionsService,
    private readonly logger: LoggerService,
    options: {
      /** How long a backend's claim on a target holds before another backend checks it (ms). */
      leaseMs?: number;
      /** The clock, for tests. */
      now?: () => number;
      /** Tells the owners of the services and environments what happened to them. */
      notifier?: CampaignNotifier;
    } = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.notifier = options.notifier;
  }

  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly notifier?: CampaignNotifier;

  /**
   * Plans a campaign over the template's fleet and, unless a dry run, stores it to run.
   *
   * Targets: what runs the template and is not on the target version (or those of `targetArns`):
   * a service template's service instances and its services' pipelines, an environment
   * template's environments. Minor upgrades by default: a target on an older major version moves
   * to the newest published minor version of its own major; with `includeMajorUpgrades` it moves
   * to the target version when its inputs validate against that version's schema, and is left for
   * a developer's input otherwise. Left alone, with the reason: targets on a newer version, pinned ones
   * (`aws.amazon.com/aws-proton-pinned` on the entity), and those whose entity the caller may not
   * update (`aws-proton.service-instance.update` or `aws-proton.service-pipeline.update` on the
   * service's entity, `aws-proton.environment.update` on the environment's) or that have no
   * catalog entity.
   *
   * @throws InputError for a target version the template does not have published, an ARN that is
   *   not one of the template's, waves naming an environment twice, or a bad concurrency;
   *   ConflictError when a campaign of the template is still active
   */
  async start(
    templateArn: ProtonArn,
    request: CampaignRequest,
    credentials: BackstageCredentials,
  ): Promise<Campaign> {
    const maxConcurrent = request.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    if (
      !Number.isInteger(maxConcurrent) ||
      maxConcurrent < 1 ||
      maxConcurrent > MAX_CONCURRENT
    ) {
      throw new InputError(
        `maxConcurrent must be a whole number from 1 to ${MAX_CONCURRENT}`,
      );
    }
    const arn = formatProtonArn(templateArn);
    const what = templateWords(templateArn);
    await this.cache.invalidate([fleetKey(templateArn)]);
    const fleet = await this.fleets.getTemplateFleet(templateArn, credentials);
    const targetVersion = request.targetVersion ?? fleet.recommendedVersion;
    if (!targetVersion) {
      throw new InputError(
        `The ${what} has no recommended version to upgrade to`,
      );
    }
    if (!fleet.publishedVersions.includes(targetVersion)) {
      throw new InputError(
        `The ${what} has no published version ${targetVersion}`,
      );
    }
    let chosen: TemplateFleetMember[];
    if (request.targetArns) {
      const byArn = new Map(fleet.members.map(m => [m.arn, m]));
      chosen = [...new Set(request.targetArns)].map(targetArn => {
        const found = byArn.get(targetArn);
        if (!found) {
          throw new InputError(
            `${targetArn} does not run the ${what}: it is none of its ${
              fleet.kind === 'service'
                ? 'service instances or pipelines'
                : 'environments'
            }`,
          );
        }
        return found;
      });
    } else {
      chosen = fleet.members.filter(m => m.version !== targetVersion);
    }
    const environments = [
      ...new Set(chosen.flatMap(m => m.environmentName ?? [])),
    ].sort((a, b) => stageRank(a) - stageRank(b) || a.localeCompare(b));
    const waves = request.waves ?? environments.map(name => [name]);
    const seen = new Set<string>();
    for (const wave of waves) {
      for (const environment of wave) {
        if (seen.has(environment)) {
          throw new InputError(
            `The waves name the environment ${environment} twice`,
          );
        }
        seen.add(environment);
      }
    }
    const rest = environments.filter(name => !seen.has(name));
    const allWaves = rest.length > 0 ? [...waves, rest] : waves;
    // pipelines have no environment: they follow every environment's wave
    const waveOf = (environment?: string) =>
      environment === undefined
        ? allWaves.length
        : allWaves.findIndex(wave => wave.includes(environment));

    const allowed = await this.updatableEntities(chosen, credentials);
    const [targetMajor] = targetVersion.split('.');
    // without major upgrades, an older major version moves to its own newest published minor
    const newestMinorOf = (major: string) =>
      fleet.publishedVersions
        .filter(version => version.split('.')[0] === major)
        .sort(compareVersions)
        .pop();
    const planned: CampaignTarget[] = chosen.map(member => {
      const [major] = member.version.split('.');
      const acrossMajors = major !== targetMajor;
      const toVersion =
        acrossMajors && !request.includeMajorUpgrades
          ? newestMinorOf(major) ?? member.version
          : targetVersion;
      const target: CampaignTarget = {
        kind: member.kind,
        arn: member.arn,
        name: member.name,
        serviceName: member.serviceName,
        environmentName: member.environmentName,
        wave: waveOf(member.environmentName),
        fromVersion: member.version,
        toVersion,
        deploymentType:
          toVersion.split('.')[0] === major ? 'MINOR_VERSION' : 'MAJOR_VERSION',
        status: 'PENDING',
        entityRef: member.entityRef,
      };
      const skip = (reason: string) => ({
        ...target,
        status: 'SKIPPED' as const,
        statusMessage: reason,
      });
      if (member.version === targetVersion) {
        return skip(`already on ${targetVersion}`);
      }
      if (!/^\d+\.\d+$/.test(member.version)) {
        return skip(
          member.kind === 'service-instance'
            ? 'runs a version the template no longer lists; upgrade it from its service page'
            : 'runs a version the template no longer lists',
        );
      }
      if (compareVersions(member.version, targetVersion) > 0) {
        return skip(`runs ${member.version}, newer than ${targetVersion}`);
      }
      // nothing newer published in its own major version (it may run one no longer published)
      if (compareVersions(toVersion, member.version) <= 0) {
        return skip(
          `runs ${member.version}, and no newer ${major}.x is published; ${targetVersion} is a major upgrade, which this campaign does not include`,
        );
      }
      if (member.pinnedReason) {
        return skip(`pinned: ${member.pinnedReason}`);
      }
      if (!member.entityRef) {
        return skip(
          member.kind === 'environment'
            ? `the environment ${member.name} has no entity in the catalog to check permissions on`
            : `its service ${member.serviceName} has no entity in the catalog to check permissions on`,
        );
      }
      if (!allowed.get(member.kind)?.has(member.entityRef)) {
        const { permission, what: whatOf } = UPDATE_PERMISSIONS[member.kind];
        return skip(
          `you may not upgrade ${whatOf} ${member.entityRef} (${permission.name})`,
        );
      }
      return target;
    });
    // by wave, as a stored campaign lists them
    const targets = (
      await this.checkMajorUpgrades(templateArn, targetVersion, planned)
    ).sort(
      (a, b) =>
        a.wave - b.wave ||
        (a.serviceName ?? '').localeCompare(b.serviceName ?? '') ||
        a.name.localeCompare(b.name),
    );
    const now = new Date().toISOString();
    const campaign: Campaign = {
      id: request.dryRun ? '' : randomUUID(),
      templateArn: arn,
      templateName: templateArn.name,
      targetVersion,
      waves: allWaves,
      maxConcurrent,
      status: targets.some(t => t.status === 'PENDING')
        ? 'RUNNING'
        : 'SUCCEEDED',
      statusMessage: targets.some(t => t.status === 'PENDING')
        ? undefined
        : 'Nothing to upgrade',
      createdBy: userOf(credentials),
      createdAt: now,
      updatedAt: now,
      targets,
    };
    if (request.dryRun) return campaign;
    if (!(await this.store.insert(campaign))) {
      const active = (await this.store.list(arn, 50)).find(c =>
        ACTIVE.includes(c.status),
      );
      throw new ConflictError(
        `Campaign ${active?.id ?? ''} of ${templateArn.name} is ${
          active?.status ?? 'active'
        }; let it end or cancel it first`,
      );
    }
    for (const target of targets) {
      if (
        target.status === 'SKIPPED' &&
        target.statusMessage?.startsWith('pinned')
      ) {
        await this.notifier?.upgradeAvailable(campaign, target);
      }
    }
    return publicView((await this.store.get(campaign.id))!);
  }

  /**
   * Major upgrades go ahead only for targets whose inputs validate against the target version's
   * schema; the others are skipped as needing a developer's input, saying what is wrong. One
   * schema read, then one read of each such target's spec (a few at a time).
   */
  private async checkMajorUpgrades(
    templateArn: ProtonArn,
    targetVersion: string,
    targets: CampaignTarget[],
  ): Promise<CampaignTarget[]> {
    const majors = targets.filter(
      t => t.status === 'PENDING' && t.deploymentType === 'MAJOR_VERSION',
    );
    if (majors.length === 0) return targets;
    const { client } = await this.clients.getClientForArn(templateArn);
    const proton = new TargetOperations(client, templateArn);
    const schema = await proton.schema(targetVersion);
    const problems = new Map<string, ProtonValidationIssue[]>();
    for (let start = 0; start < majors.length; start += 8) {
      await Promise.all(
        majors.slice(start, start + 8).map(async target => {
          try {
            problems.set(
              target.arn,
              await proton.inputProblems(target, schema),
            );
          } catch (error) {
            // one unreadable target (deleted since, denied, throttled) is left out, not the plan
            problems.set(target.arn, [
              {
                path: '',
                message: `its inputs could not be read to check them: ${
                  (error as Error).message
                }`,
              },
            ]);
          }
        }),
      );
    }
    return targets.map(target => {
      const issues = problems.get(target.arn) ?? [];
      if (issues.length === 0) return target;
      return {
        ...target,
        status: 'SKIPPED' as const,
        statusMessage: `needs a developer's input for ${targetVersion}: ${issues
          .map(formatValidationIssue)
          .join('; ')}`,
      };
    });
  }

  /**
   * The entities among `members'` the caller may update, by the kind of member (one batch): the
   * service entities of instances and pipelines, the environments' own entities.
   */
  private async updatableEntities(
    members: TemplateFleetMember[],
    credentials: BackstageCredentials,
  ): Promise<Map<CampaignTargetKind, Set<string>>> {
    const requests = [
      ...new Set(
        members.flatMap(m =>
          m.entityRef ? [JSON.stringify([m.kind, m.entityRef])] : [],
        ),
      ),
    ].map(key => JSON.parse(key) as [CampaignTargetKind, string]);
    const allowed = new Map<CampaignTargetKind, Set<string>>();
    if (requests.length === 0) return allowed;
    const decisions = await this.permissions.authorize(
      requests.map(([kind, resourceRef]) => ({
        permission: UPDATE_PERMISSIONS[kind].permission,
        resourceRef,
      })),
      { credentials },
    );
    requests.forEach(([kind, entityRef], i) => {
      if (decisions[i].result !== AuthorizeResult.ALLOW) return;
      if (!allowed.has(kind)) allowed.set(kind, new Set());
      allowed.get(kind)!.add(entityRef);
    });
    return allowed;
  }

  /** A template's campaigns, newest first. */
  async list(templateArn: string): Promise<Campaign[]> {
    return this.store.list(templateArn);
  }

  /**
   * @throws NotFoundError when the template has no campaign `id`
   */
  async get(templateArn: string, id: string): Promise<Campaign> {
    const campaign = await this.store.get(id);
    if (!campaign || campaign.templateArn !== templateArn) {
      throw new NotFoundError(
        `No upgrade campaign ${id} for the ${templateWords(
          parseProtonArn(templateArn),
        )}`,
      );
    }
    return publicView(campaign);
  }

  /**
   * Pauses, resumes or cancels a campaign. Pausing and cancelling start no new deployment; the
   * deployments already running finish and are recorded.
   *
   * @throws NotFoundError for an unknown campaign; ConflictError when the campaign is in a state
   *   the action does not apply to (resuming a running one, cancelling an ended one)
   */
  async act(
    templateArn: string,
    id: string,
    action: 'pause' | 'resume' | 'cancel',
    credentials: BackstageCredentials,
  ): Promise<Campaign> {
    const campaign = await this.get(templateArn, id);
    const who = userOf(credentials);
    const moves: Record<
      typeof action,
      { from: CampaignStatus[]; to: CampaignStatus; message: string }
    > = {
      pause: { from: ['RUNNING'], to: 'PAUSED', message: `Paused by ${who}` },
      resume: { from: ['PAUSED'], to: 'RUNNING', message: '' },
      cancel: {
        from: ['RUNNING', 'PAUSED'],
        to: 'CANCELLING',
        message: `Cancelled by ${who}`,
      },
    };
    const move = moves[action];
    if (
      !(await this.store.setStatus(
        id,
        move.from,
        move.to,
        move.message || undefined,
      ))
    ) {
      throw new ConflictError(
        `Campaign ${id} is ${campaign.status}; it cannot be ${
          { pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[action]
        } now`,
      );
    }
    try {
      await this.advanceCampaign(id);
    } catch (error) {
      // the change is saved; the scheduled task moves the campaign on
      this.logger.warn(
        `Upgrade campaign ${id} could not move on: ${(error as Error).message}`,
      );
    }
    return this.get(templateArn, id);
  }

  /**
   * Moves every active campaign on by one step: records the deployments that ended, ends campaigns
   * that are over, and starts the next deployments of the current wave. Safe to call from several
   * processes at once: each deployment is claimed in the database before it starts.
   *
   * @returns how many deployments are still running or waiting to start
   */
  async advance(): Promise<number> {
    let open = 0;
    for (const id of await this.store.activeIds()) {
      try {
        open += await this.advanceCampaign(id);
      } catch (error) {
        this.logger.warn(
          `Upgrade campaign ${id} could not move on: ${
            (error as Error).message
          }`,
        );
      }
    }
    return open;
  }

  private async advanceCampaign(id: string): Promise<number> {
    const campaign = await this.store.get(id);
    if (!campaign || !ACTIVE.includes(campaign.status)) return 0;
    const template = parseProtonArn(campaign.templateArn);
    try {
      return await this.stepCampaign(campaign, template);
    } finally {
      // what runs where may have changed: the template page reads it again
      await this.cache.invalidate([fleetKey(template)]);
    }
  }

  private async stepCampaign(
    campaign: Campaign & { targets: StoredCampaignTarget[] },
    template: ProtonArn,
  ): Promise<number> {
    const id = campaign.id;
    const { client } = await this.clients.getClientForArn(template);
    const proton = new TargetOperations(client, template);
    const stop = (target: CampaignTarget, message: string) =>
      this.store.setStatus(
        id,
        ['RUNNING', 'PAUSED'],
        'STOPPING',
        `Stopped at ${campaignTargetLabel(target)}: ${message}`,
      );

    // One listing per round of the template's instances whose deployment was attempted since the
    // earliest running instance started: the running instances' own deployments, in progress or
    // ended since the last round. A target found there needs no read of its own; one missing
    // (deleted, or the clocks of Proton and this backend apart by more than the margin), a
    // pipeline or an environment (no operation lists those by deployment) is read alone.
    let listed: Map<string, ServiceInstanceSummary> | undefined;
    const running = campaign.targets.filter(
      t => t.status === 'DEPLOYING' && t.kind === 'service-instance',
    );
    if (running.length > 0) {
      const since =
        Math.min(
          ...running.map(t => Date.parse(t.startedAt ?? '') || this.now()),
        ) - CLOCK_MARGIN_MS;
      try {
        listed = await callProton(
          {
            operation: 'ListServiceInstances',
            resource: `service instances of ${campaign.templateName} deployed since the campaign's running upgrades started`,
            accountId: template.accountId,
            region: template.region,
          },
          async () => {
            const found = new Map<string, ServiceInstanceSummary>();
            for await (const page of paginateListServiceInstances(
              { client, pageSize: 100 },
              {
                filters: [
                  { key: 'templateName', value: campaign.templateName },
                  {
                    key: 'lastDeploymentAttemptedAtAfter',
                    value: new Date(since).toISOString(),
                  },
                ],
              },
            )) {
              for (const instance of page.serviceInstances ?? []) {
                if (instance.arn) found.set(instance.arn, instance);
              }
            }
            return found;
          },
        );
      } catch (error) {
        // without the listing, each running target is read on its own below
        this.logger.warn(
          `Upgrade campaign ${id}: the recent deployments could not be listed: ${
            (error as Error).message
          }`,
        );
      }
    }

    for (const target of campaign.targets) {
      try {
        // 1. a claim whose backend stopped before it could say whether Proton took the update
        if (
          target.status === 'STARTING' &&
          (target.claimedUntil ?? 0) < this.now()
        ) {
          const found = await proton.read(target);
          if (!(await this.takeOver(campaign, target, found))) {
            // the update never reached Proton: the target waits again for a backend to claim it
            await this.store.setTargetStatus(
              id,
              target.arn,
              'STARTING',
              'PENDING',
            );
          }
        }
        // 2. what the running deployments became
        const listedInstance = listed?.get(target.arn);
        if (
          target.status === 'DEPLOYING' &&
          listedInstance?.deploymentStatus !== 'IN_PROGRESS'
        ) {
          let found: Deployed | undefined = listedInstance;
          try {
            found ??= await proton.read(target);
          } catch (error) {
            if (!(error instanceof NotFoundError)) throw error;
          }
          const status = found?.deploymentStatus;
          const version = `${found?.templateMajorVersion}.${found?.templateMinorVersion}`;
          let failure: string | undefined;
          if (!found) {
            failure = `the ${
              target.kind === 'service-instance'
                ? 'service instance'
                : target.kind
            } no longer exists`;
          } else if (status?.startsWith('DELETE')) {
            failure = `it is being deleted (${status})`;
          } else if (
            status === 'FAILED' ||
            status === 'CANCELLED' ||
            (status === 'SUCCEEDED' && version !== target.toVersion)
          ) {
            failure =
              status === 'SUCCEEDED'
                ? `another deployment ended on ${version}, not on ${target.toVersion}`
                : found.deploymentStatusMessage ??
                  `the deployment ended ${status} on ${version}`;
          }
          if (failure !== undefined) {
            if (
              await this.store.setTargetStatus(
                id,
                target.arn,
                'DEPLOYING',
                'FAILED',
                failure,
                found?.lastAttemptedDeploymentId,
              )
            ) {
              await stop(target, failure);
              await this.notifier?.stoppedAt(campaign, target, failure);
            }
          } else if (
            status === 'SUCCEEDED' &&
            (await this.store.setTargetStatus(
              id,
              target.arn,
              'DEPLOYING',
              'SUCCEEDED',
              undefined,
              found?.lastAttemptedDeploymentId,
            ))
          ) {
            await this.notifier?.upgraded(campaign, target);
          }
        }
      } catch (error) {
        // an outage or a denied read: the target keeps its state and is read again next time
        this.logger.warn(
          `Upgrade campaign ${id}: ${campaignTargetLabel(
            target,
          )} could not be read: ${(error as Error).message}`,
        );
      }
    }

    const current = (await this.store.get(id))!;
    const inFlight = current.targets.filter(
      t => t.status === 'STARTING' || t.status === 'DEPLOYING',
    );
    const pending = current.targets.filter(t => t.status === 'PENDING');

    // 3. a stopping or cancelling campaign ends once its last deployment has
    if (current.status === 'STOPPING' || current.status === 'CANCELLING') {
      await this.store.end(
        id,
        [current.status],
        current.status === 'STOPPING' ? 'STOPPED' : 'CANCELLED',
        current.statusMessage,
      );
      return inFlight.length;
    }
    if (pending.length === 0 && inFlight.length === 0) {
      await this.store.end(
        id,
        ['RUNNING', 'PAUSED'],
        'SUCCEEDED',
        upgradedMessage(
          current.targets.filter(t => t.status === 'SUCCEEDED'),
          current.targetVersion,
        ),
      );
      return 0;
    }
    if (current.status !== 'RUNNING') return inFlight.length;

    // 4. the gate: only the earliest unfinished wave deploys; the claim keeps to maxConcurrent
    const wave = Math.min(...[...pending, ...inFlight].map(t => t.wave));
    for (const target of pending.filter(t => t.wave === wave)) {
      const claimed = await this.store.claim(
        id,
        target.arn,
        this.now() + this.leaseMs,
        this.now(),
      );
      if (!claimed) {
        const latest = await this.store.get(id);
        const busy = latest!.targets.filter(
          t => t.status === 'STARTING' || t.status === 'DEPLOYING',
        ).length;
        if (latest!.status !== 'RUNNING' || busy >= latest!.maxConcurrent) {
          break;
        }
        continue; // another backend took this one
      }
      if ((await this.deploy(current, target, proton)) !== 'started') {
        break;
      }
    }
    return pending.length + inFlight.length;
  }

  /**
   * Records a claimed (STARTING) target as DEPLOYING when it shows the upgrade reached Proton (a
   * deployment in progress, or the target on the campaign's version) although this backend cannot
   * tell from its own call: a claim that lapsed, or an update refused as a conflict.
   *
   * @returns false when the target shows no such deployment
   */
  private async takeOver(
    campaign: Campaign,
    target: CampaignTarget,
    found: Deployed | undefined,
  ): Promise<boolean> {
    const version = `${found?.templateMajorVersion}.${found?.templateMinorVersion}`;
    if (
      found?.deploymentStatus !== 'IN_PROGRESS' &&
      version !== target.toVersion
    ) {
      return false;
    }
    await this.store.setTargetStatus(
      campaign.id,
      target.arn,
      'STARTING',
      'DEPLOYING',
      undefined,
      found?.lastAttemptedDeploymentId,
    );
    return true;
  }

  /**
   * Asks Proton to upgrade a claimed (STARTING) target: skips it when it is tagged `proton:pinned`
   * (a pipeline: when its service is), otherwise UpdateServiceInstance, UpdateServicePipeline or
   * UpdateEnvironment to the campaign's version, keeping its spec.
   *
   * @returns `started` (DEPLOYING, or SKIPPED when pinned); `retry` when Proton could not be reached
   *   (the claim stays until it expires, then the next check finds out whether the update went
   *   through); `failed` when Proton refused the update: the target failed and the campaign stops
   */
  private async deploy(
    campaign: Campaign,
    target: CampaignTarget,
    proton: TargetOperations,
  ): Promise<'started' | 'retry' | 'failed'> {
    const id = campaign.id;
    try {
      const pin = await proton.pin(target);
      if (pin !== undefined) {
        const reason = `pinned: ${pin || 'tagged proton:pinned'}`;
        if (
          await this.store.setTargetStatus(
            id,
            target.arn,
            'STARTING',
            'SKIPPED',
            reason,
          )
        ) {
          await this.notifier?.upgradeAvailable(campaign, {
            ...target,
            statusMessage: reason,
          });
        }
        return 'started';
      }
      // the tag read may have been slow: ask Proton only while the claim holds
      if (
        !(await this.store.renewClaim(
          id,
          target.arn,
          this.now() + this.leaseMs,
          this.now(),
        ))
      ) {
        return 'retry';
      }
      const deploymentId = await proton.upgrade(target, target.toVersion);
      // Proton took the update. Had this backend's claim lapsed meanwhile, another backend may have
      // given the target back (PENDING) after finding no deployment yet: the deployment is still ours.
      if (
        !(await this.store.setTargetStatus(
          id,
          target.arn,
          'STARTING',
          'DEPLOYING',
          undefined,
          deploymentId,
        ))
      ) {
        await this.store.setTargetStatus(
          id,
          target.arn,
          'PENDING',
          'DEPLOYING',
          undefined,
          deploymentId,
        );
      }
      return 'started';
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ServiceUnavailableError) {
        this.logger.warn(`Upgrade campaign ${id}: ${message}`);
        return 'retry';
      }
      // Refused because the target deploys already: a backend whose claim lapsed asked Proton
      // after another gave the claim back. That deployment is the target's; its outcome decides.
      if (error instanceof ConflictError) {
        const found = await proton.read(target).catch(() => null);
        // unreadable: the claim lapses, and the next check finds out what the target does
        if (found === null) return 'retry';
        if (await this.takeOver(campaign, target, found)) return 'started';
      }
      if (
        await this.store.setTargetStatus(
          id,
          target.arn,
          'STARTING',
          'FAILED',
          message,
        )
      ) {
        await this.store.setStatus(
          id,
          ['RUNNING', 'PAUSED'],
          'STOPPING',
          `Stopped at ${campaignTargetLabel(target)}: ${message}`,
        );
        await this.notifier?.stoppedAt(campaign, target, message);
      }
      return 'failed';
    }
  }
}

/**
 * One run of the scheduled task: moves the active campaigns on, again every second while
 * deployments run, for at most a minute (the task runs again five seconds later), and stops at once
 * when the backend shuts down (`signal`).
 */
export async function runCampaigns(
  campaigns: CampaignService,
  signal?: AbortSignal,
  budgetMs = 60_000,
): Promise<void> {
  const until = Date.now() + budgetMs;
  while (
    !signal?.aborted &&
    (await campaigns.advance()) > 0 &&
    Date.now() < until
  ) {
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, 1_000);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done);
    });
  }
}
