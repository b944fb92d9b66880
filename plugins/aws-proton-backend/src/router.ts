import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  awsProtonTemplateUpgradeFleetPermission,
  formatProtonArn,
  isProtonResourceName,
  CampaignRequest,
  InstanceDeploymentType,
} from '@proton-platform/plugin-aws-proton-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import type { CampaignService } from './campaigns/CampaignService';
import { DeploymentHistoryService } from './services/DeploymentHistoryService';
import {
  DeploymentTriggerStore,
  triggerOf,
} from './services/DeploymentTriggerStore';
import { EntityArnResolver } from './services/EntityArnResolver';
import { EnvironmentOverviewService } from './services/EnvironmentOverviewService';
import { InstanceUpdateService } from './services/InstanceUpdateService';
import { requireInstanceUpdatePermission } from './services/instanceUpdatePermission';
import { ServiceChangeService } from './services/ServiceChangeService';
import { ServiceOverviewService } from './services/ServiceOverviewService';
import {
  TemplateCatalogService,
  TemplateKind,
} from './services/TemplateCatalogService';
import type { TemplateFleetService } from './services/TemplateFleetService';
import type { TemplateOverviewService } from './services/TemplateOverviewService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  arns: EntityArnResolver;
  services: ServiceOverviewService;
  environments: EnvironmentOverviewService;
  deployments: DeploymentHistoryService;
  updates: InstanceUpdateService;
  /** Serves the scaffolder form fields; their routes are absent without it. */
  templates?: TemplateCatalogService;
  /** Serves template entities' pages; their route is absent without it. */
  templateOverviews?: TemplateOverviewService;
  /** Serves where templates run, on their entities' pages; the route is absent without it. */
  templateFleets?: TemplateFleetService;
  /** Serves upgrade campaigns on templates' pages; their routes are absent without it. */
  campaigns?: CampaignService;
  /** Adds and deletes service instances and deletes services; their routes are absent without it. */
  changes?: ServiceChangeService;
  /**
   * Records who started the deployments that backend plugins (the scaffolder's AWS Proton actions)
   * started on behalf of a user; the route is absent without it.
   */
  triggers?: DeploymentTriggerStore;
  /**
   * Records who started, paused, resumed or cancelled a campaign (required with `campaigns`), who
   * edited, added or deleted instances or deleted a service, and each record of who started
   * deployments that the scaffolder sends.
   */
  auditor?: AuditorService;
  /** Resolves the account and region the form-field routes read (defaults, or an allowed one). */
  resolveTarget?: (target: { accountId?: string; region?: string }) => {
    accountId: string;
    region: string;
  };
}

/** A deployment ID's pattern (Proton API reference, Deployment). */
const DEPLOYMENT_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The most deployment IDs one request records (a service's instances and pipeline). */
const MAX_RECORDED_DEPLOYMENTS = 100;
/** The plugins whose tokens on behalf of a user may record that user as who started deployments. */
const TRIGGER_RECORDING_PLUGINS = ['plugin:scaffolder'];
/** How recent a deployment must be to have who started it recorded: one hour, in milliseconds. */
const RECORDING_WINDOW_MS = 60 * 60 * 1000;
const ENTITY_PART = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,252}$/;
const DEPLOYMENT_TYPES: InstanceDeploymentType[] = [
  'CURRENT_VERSION',
  'MINOR_VERSION',
  'MAJOR_VERSION',
];

function entityRef(params: Record<string, string>): CompoundEntityRef {
  const { kind, namespace, name } = params;
  for (const [key, value] of Object.entries({ kind, namespace, name })) {
    if (!ENTITY_PART.test(value)) {
      throw new InputError(`"${value}" is not a valid entity ${key}`);
    }
  }
  return { kind, namespace, name };
}

function instanceName(params: Record<string, string>): string {
  return protonName(params.instance, 'service instance name');
}

/**
 * The HTTP API of the `aws-proton` backend plugin, under `/api/aws-proton`. Callers name catalog
 * entities, never ARNs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    arns,
    services,
    environments,
    deployments,
    updates,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  const serviceArn = async (req: Request) =>
    arns.resolve(
      entityRef(req.params),
      AWS_PROTON_SERVICE_ANNOTATION,
      'service',
      await credentialsOf(req),
    );
  const environmentArn = async (req: Request) =>
    arns.resolve(
      entityRef(req.params),
      AWS_PROTON_ENVIRONMENT_ANNOTATION,
      'environment',
      await credentialsOf(req),
    );

  router.get(
    '/v1/entities/:kind/:namespace/:name/service',
    async (req, res) => {
      res.json(await services.getServiceOverview(await serviceArn(req)));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/service/instances/:instance/deployments',
    async (req, res) => {
      const arn = await serviceArn(req);
      res.json(
        await deployments.listServiceInstanceDeployments(
          arn,
          instanceName(req.params),
        ),
      );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/service/pipeline/deployments',
    async (req, res) => {
      res.json(
        await deployments.listServicePipelineDeployments(await serviceArn(req)),
      );
    },
  );

  // Changes of the service and its instances, and what shows an instance's input values (its inputs,
  // a plan): the instance update permission on the entity
  const authorizedService = async (req: Request, what?: string) => {
    const credentials = await credentialsOf(req);
    const ref = entityRef(req.params);
    const arn = await arns.resolve(
      ref,
      AWS_PROTON_SERVICE_ANNOTATION,
      'service',
      credentials,
    );
    await requireInstanceUpdatePermission(permissions, ref, credentials, what);
    return { arn, credentials };
  };

  /**
   * Runs a change of a service or its instances as an auditor event (`aws-proton-service-change`,
   * its `actionType` and entity), recorded as failed when `change` throws.
   */
  const audited = async <T>(
    req: Request,
    actionType: string,
    severityLevel: 'medium' | 'high',
    change: () => Promise<T>,
  ): Promise<T> => {
    const event = await options.auditor?.createEvent({
      eventId: 'aws-proton-service-change',
      severityLevel,
      request: req,
      meta: {
        actionType,
        entityRef: stringifyEntityRef(entityRef(req.params)),
        ...(req.params.instance ? { instance: req.params.instance } : {}),
        ...(actionType === 'add-instance'
          ? {
              instance: String(req.body?.name),
              environment: String(req.body?.environment),
            }
          : {}),
      },
    });
    try {
      const result = await change();
      await event?.success();
      return result;
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  };

  router.get(
    '/v1/entities/:kind/:namespace/:name/service/instances/:instance/plan',
    async (req, res) => {
      const deploymentType = req.query.deploymentType;
      if (
        !DEPLOYMENT_TYPES.includes(deploymentType as InstanceDeploymentType)
      ) {
        throw new InputError(
          `deploymentType must be one of ${DEPLOYMENT_TYPES.join(', ')}`,
        );
      }
      // the plan shows the instance's input values: the same permission as the update
      const { arn } = await authorizedService(req);
      res.json(
        await updates.planUpdate(
          arn,
          instanceName(req.params),
          deploymentType as InstanceDeploymentType,
          { targetVersion: queryString(req, 'targetVersion') },
        ),
      );
    },
  );

  router.post(
    '/v1/entities/:kind/:namespace/:name/service/instances/:instance/deployments',
    async (req, res) => {
      const deploymentType = req.body?.deploymentType;
      if (!DEPLOYMENT_TYPES.includes(deploymentType)) {
        throw new InputError(
          `deploymentType must be one of ${DEPLOYMENT_TYPES.join(', ')}`,
        );
      }
      const { arn, credentials } = await authorizedService(req);
      res
        .status(202)
        .json(
          await updates.updateInstance(
            arn,
            instanceName(req.params),
            deploymentType,
            triggerOf(credentials),
          ),
        );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/service/instances/:instance/inputs',
    async (req, res) => {
      const { arn } = await authorizedService(req);
      res.json(await updates.getInputs(arn, instanceName(req.params)));
    },
  );

  router.put(
    '/v1/entities/:kind/:namespace/:name/service/instances/:instance/inputs',
    async (req, res) => {
      const result = await audited(req, 'edit-inputs', 'medium', async () => {
        const { arn, credentials } = await authorizedService(
          req,
          'edit the inputs of the instances of',
        );
        return updates.updateInputs(
          arn,
          instanceName(req.params),
          req.body?.inputs,
          triggerOf(credentials),
        );
      });
      res.status(202).json(result);
    },
  );

  const { changes } = options;
  if (changes) {
    router.post(
      '/v1/entities/:kind/:namespace/:name/service/instances',
      async (req, res) => {
        const result = await audited(
          req,
          'add-instance',
          'medium',
          async () => {
            const { arn, credentials } = await authorizedService(
              req,
              'add instances to',
            );
            return changes.addInstance(
              arn,
              {
                name: req.body?.name,
                environment: req.body?.environment,
                inputs: req.body?.inputs,
                templateVersion: req.body?.templateVersion,
              },
              triggerOf(credentials),
            );
          },
        );
        res.status(202).json(result);
      },
    );

    router.delete(
      '/v1/entities/:kind/:namespace/:name/service/instances/:instance',
      async (req, res) => {
        await audited(req, 'delete-instance', 'high', async () => {
          const { arn, credentials } = await authorizedService(
            req,
            'delete the instances of',
          );
          await changes.deleteInstance(
            arn,
            instanceName(req.params),
            triggerOf(credentials),
          );
        });
        res.status(202).json({});
      },
    );

    router.delete(
      '/v1/entities/:kind/:namespace/:name/service',
      async (req, res) => {
        await audited(req, 'delete-service', 'high', async () => {
          const { arn, credentials } = await authorizedService(req, 'delete');
          await changes.deleteService(arn, triggerOf(credentials));
        });
        res.status(202).json({});
      },
    );
  }

  router.get(
    '/v1/entities/:kind/:namespace/:name/environment',
    async (req, res) => {
      res.json(
        await environments.getEnvironmentOverview(await environmentArn(req)),
      );
    },
  );

  const templateArn = async (req: Request) =>
    arns.resolveFirst(
      entityRef(req.params),
      [
        {
          annotation: AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
          resourceType: 'service-template',
        },
        {
          annotation: AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
          resourceType: 'environment-template',
        },
      ],
      await credentialsOf(req),
    );
  const { templateOverviews, templateFleets } = options;
  if (templateOverviews) {
    router.get(
      '/v1/entities/:kind/:namespace/:name/template',
      async (req, res) => {
        res.json(
          await templateOverviews.getTemplateOverview(await templateArn(req)),
        );
      },
    );
  }
  if (templateOverviews) {
    router.get(
      '/v1/entities/:kind/:namespace/:name/template/diff',
      async (req, res) => {
        const version = (key: 'from' | 'to') => {
          const value = req.query[key];
          if (
            typeof value !== 'string' ||
            !/^\d{1,20}\.\d{1,20}$/.test(value)
          ) {
            throw new InputError(
              `${key} must be a template version such as 1.0`,
            );
          }
          return value;
        };
        res.json(
          await templateOverviews.diffVersions(
            await templateArn(req),
            version('from'),
            version('to'),
          ),
        );
      },
    );
  }
  const { campaigns, auditor } = options;
  if (campaigns && auditor) {
    const requireUpgradeFleet = async (req: Request) => {
      const credentials = await credentialsOf(req);
      const resourceRef = stringifyEntityRef(entityRef(req.params));
      const [decision] = await permissions.authorize(
        [{ permission: awsProtonTemplateUpgradeFleetPermission, resourceRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not run upgrade campaigns of ${resourceRef} (${awsProtonTemplateUpgradeFleetPermission.name})`,
        );
      }
      return credentials;
    };

    router.get(
      '/v1/entities/:kind/:namespace/:name/template/campaigns',
      async (req, res) => {
        res.json(await campaigns.list(formatProtonArn(await templateArn(req))));
      },
    );
    router.get(
      '/v1/entities/:kind/:namespace/:name/template/campaigns/:id',
      async (req, res) => {
        res.json(
          await campaigns.get(
            formatProtonArn(await templateArn(req)),
            req.params.id,
          ),
        );
      },
    );
    router.post(
      '/v1/entities/:kind/:namespace/:name/template/campaigns',
      async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const event = await auditor.createEvent({
          eventId: 'upgrade-campaign',
          severityLevel: body.dryRun ? 'low' : 'medium',
          request: req,
          meta: {
            actionType: body.dryRun ? 'dry-run' : 'start',
            entityRef: stringifyEntityRef(entityRef(req.params)),
          },
        });
        try {
          const arn = await templateArn(req);
          const credentials = await requireUpgradeFleet(req);
          const campaign = await campaigns.start(
            arn,
            campaignRequest(body),
            credentials,
          );
          await event.success({
            meta: {
              campaignId: campaign.id,
              targetVersion: campaign.targetVersion,
              targets: campaign.targets.filter(t => t.status === 'PENDING')
                .length,
            },
          });
          res.status(body.dryRun ? 200 : 201).json(campaign);
        } catch (error) {
          await event.fail({ error: error as Error });
          throw error;
        }
      },
    );
    router.post(
      '/v1/entities/:kind/:namespace/:name/template/campaigns/:id/:action',
      async (req, res) => {
        const action = req.params.action;
        if (action !== 'pause' && action !== 'resume' && action !== 'cancel') {
          throw new InputError('The action must be pause, resume or cancel');
        }
        const event = await auditor.createEvent({
          eventId: 'upgrade-campaign',
          severityLevel: 'medium',
          request: req,
          meta: { actionType: action, campaignId: req.params.id },
        });
        try {
          const arn = await templateArn(req);
          const credentials = await requireUpgradeFleet(req);
          const campaign = await campaigns.act(
            formatProtonArn(arn),
            req.params.id,
            action,
            credentials,
          );
          await event.success();
          res.json(campaign);
        } catch (error) {
          await event.fail({ error: error as Error });
          throw error;
        }
      },
    );
  }
  if (templateFleets) {
    router.get(
      '/v1/entities/:kind/:namespace/:name/template/fleet',
      async (req, res) => {
        res.json(
          await templateFleets.getTemplateFleet(
            await templateArn(req),
            await credentialsOf(req),
          ),
        );
      },
    );
  }

  router.get(
    '/v1/entities/:kind/:namespace/:name/deployments/:deploymentId/log',
    async (req, res) => {
      const { deploymentId } = req.params;
      if (!/^[A-Za-z0-9-]{1,64}$/.test(deploymentId)) {
        throw new InputError(
          'The deployment ID must be 1 to 64 letters, digits or hyphens',
        );
      }
      const owner = await arns.resolveFirst(
        entityRef(req.params),
        [
          {
            annotation: AWS_PROTON_SERVICE_ANNOTATION,
            resourceType: 'service',
          },
          {
            annotation: AWS_PROTON_ENVIRONMENT_ANNOTATION,
            resourceType: 'environment',
          },
        ],
        await credentialsOf(req),
      );
      res.json(await deployments.readLog(owner, deploymentId));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/environment/deployments',
    async (req, res) => {
      res.json(
        await deployments.listEnvironmentDeployments(await environmentArn(req)),
      );
    },
  );

  const { triggers, resolveTarget } = options;
  if (triggers && resolveTarget) {
    // The scaffolder tells who started the deployments its actions started for a user. Only a token
    // the scaffolder made on behalf of a user is let in (its principal is the user, the scaffolder
    // its actor), and the trigger recorded is that user, so nobody records a deployment as somebody
    // else's; only deployments Proton has, started in the last hour and not recorded yet, are.
    router.post('/v1/deployments/triggers', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const actor = credentials.principal.actor?.subject;
      if (!actor || !TRIGGER_RECORDING_PLUGINS.includes(actor)) {
        throw new NotAllowedError(
          'Only the scaffolder, on behalf of a user, records who started deployments',
        );
      }
      const ids: unknown = req.body?.deploymentIds;
      if (
        !Array.isArray(ids) ||
        ids.length === 0 ||
        ids.length > MAX_RECORDED_DEPLOYMENTS ||
        !ids.every(id => typeof id === 'string' && DEPLOYMENT_ID.test(id))
      ) {
        throw new InputError(
          `deploymentIds must be a list of 1 to ${MAX_RECORDED_DEPLOYMENTS} deployment IDs (UUIDs, as Proton gives them)`,
        );
      }
      const target = resolveTarget({
        accountId: bodyString(req, 'accountId', /^\d{12}$/),
        region: bodyString(req, 'region', /^[a-z]{2}(-[a-z]+)+-\d$/),
      });
      const unique = [...new Set(ids as string[])];
      const event = await options.auditor?.createEvent({
        eventId: 'aws-proton-deployment-triggers',
        severityLevel: 'low',
        request: req,
        meta: { deploymentIds: unique, ...target },
      });
      try {
        const found = await deployments.readDeployments(target, unique);
        const oldest = Date.now() - RECORDING_WINDOW_MS;
        const old = found.find(d => (d.createdAt?.getTime() ?? 0) < oldest);
        if (old) {
          throw new InputError(
            `Deployment ${
              old.id
            } started at ${old.createdAt?.toISOString()}, more than an hour ago: only the deployments of the last hour are recorded`,
          );
        }
        const trigger = triggerOf(credentials);
        for (const id of unique) await triggers.record(id, trigger);
        await event?.success();
      } catch (error) {
        await event?.fail({ error: error as Error });
        throw error;
      }
      res.status(204).end();
    });
  }

  if (options.templates && options.resolveTarget) {
    addTemplateCatalogRoutes(
      router,
      httpAuth,
      options.templates,
      options.resolveTarget,
    );
  }

  return router;
}

const VERSION = /^\d+(\.\d+)?$/;
const MAJOR = /^\d+$/;

function queryString(
  req: Request,
  name: string,
  pattern?: RegExp,
): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
    throw new InputError(`The query parameter ${name} is not valid`);
  }
  return value;
}

function bodyString(
  req: Request,
  name: string,
  pattern: RegExp,
): string | undefined {
  const value = req.body?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InputError(`${name} is not valid`);
  }
  return value;
}

function protonName(value: string, what: string): string {
  if (!isProtonResourceName(value)) {
    throw new InputError(`"${value}" is not a valid ${what}`);
  }
  return value;
}

/**
 * The routes behind the scaffolder form fields: published templates, their versions and schemas,
 * and the environments a service template can deploy into. Only user callers; only the configured
 * default account and region, or an allowed one named by `accountId` and `region`.
 */
function addTemplateCatalogRoutes(
  router: express.Router,
  httpAuth: HttpAuthService,
  templates: TemplateCatalogService,
  resolveTarget: NonNullable<RouterOptions['resolveTarget']>,
) {
  const targetOf = async (req: Request) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    return resolveTarget({
      accountId: queryString(req, 'accountId', /^\d{12}$/),
      region: queryString(req, 'region', /^[a-z]{2}(-[a-z]+)+-\d$/),
    });
  };
  for (const kind of ['service', 'environment'] as TemplateKind[]) {
    router.get(`/v1/${kind}-templates`, async (req, res) => {
      res.json(await templates.listTemplates(await targetOf(req), kind));
    });
    router.get(`/v1/${kind}-templates/:name/versions`, async (req, res) => {
      const target = await targetOf(req);
      res.json(
        await templates.listVersions(
          target,
          kind,
          protonName(req.params.name, `${kind} template name`),
        ),
      );
    });
    router.get(
      `/v1/${kind}-templates/:name/versions/:version`,
      async (req, res) => {
        const target = await targetOf(req);
        if (!VERSION.test(req.params.version)) {
          throw new InputError(
            `"${req.params.version}" is not a template version such as 1 or 1.2`,
          );
        }
        res.json(
          await templates.getVersion(
            target,
            kind,
            protonName(req.params.name, `${kind} template name`),
            req.params.version,
          ),
        );
      },
    );
  }
  router.get('/v1/environments', async (req, res) => {
    const target = await targetOf(req);
    const template = queryString(req, 'template');
    const major = queryString(req, 'major', MAJOR);
    if (!template || !major) {
      throw new InputError(
        'Give the service template as template=<name>&major=<major version>',
      );
    }
    res.json(
      await templates.listCompatibleEnvironments(
        target,
        protonName(template, 'service template name'),
        major,
      ),
    );
  });
}

/**
 * The body of a campaign request, checked for shape (the campaign service checks the values).
 *
 * @throws InputError naming the field that is wrong
 */
function campaignRequest(body: Record<string, unknown>): CampaignRequest {
  const strings = (value: unknown) =>
    Array.isArray(value) && value.every(v => typeof v === 'string');
  const known = [
    'targetVersion',
    'targetArns',
    'includeMajorUpgrades',
    'waves',
    'maxConcurrent',
    'dryRun',
  ];
  const unknown = Object.keys(body).filter(key => !known.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `A campaign request has no field ${unknown.join(
        ', ',
      )}; its fields are ${known.join(', ')}`,
    );
  }
  if (
    body.targetVersion !== undefined &&
    typeof body.targetVersion !== 'string'
  ) {
    throw new InputError('targetVersion must be a version such as 1.1');
  }
  if (body.targetArns !== undefined && !strings(body.targetArns)) {
    throw new InputError(
      'targetArns must be a list of ARNs of service instances, pipelines or environments',
    );
  }
  if (
    body.waves !== undefined &&
    !(Array.isArray(body.waves) && body.waves.every(strings))
  ) {
    throw new InputError(
      'waves must be a list of lists of environment names, e.g. [["dev"], ["prod"]]',
    );
  }
  if (
    body.maxConcurrent !== undefined &&
    typeof body.maxConcurrent !== 'number'
  ) {
    throw new InputError('maxConcurrent must be a number');
  }
  for (const flag of ['includeMajorUpgrades', 'dryRun']) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
      throw new InputError(`${flag} must be true or false`);
    }
  }
  return body as CampaignRequest;
}
