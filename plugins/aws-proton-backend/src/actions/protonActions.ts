import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
} from '@proton-platform/plugin-aws-proton-common';
import { EntityArnResolver } from '../services/EntityArnResolver';
import { InstanceUpdateService } from '../services/InstanceUpdateService';
import { requireInstanceUpdatePermission } from '../services/instanceUpdatePermission';
import { ServiceOverviewService } from '../services/ServiceOverviewService';
import { TemplateUsageService } from '../services/TemplateUsageService';
import { triggerOf } from '../services/DeploymentTriggerStore';

/** What the actions read and change through. */
export interface ProtonActionsOptions {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  arns: EntityArnResolver;
  services: ServiceOverviewService;
  updates: InstanceUpdateService;
  templates: TemplateUsageService;
}

/** A catalog entity reference as agents write it; components by default. */
function entityRefOf(value: string, defaultKind: string): CompoundEntityRef {
  try {
    return parseEntityRef(value, {
      defaultKind,
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `"${value}" is not an entity reference such as ${defaultKind}:default/my-service`,
    );
  }
}

/**
 * Registers the AWS Proton actions with Backstage's actions registry, where AI agents find them
 * (served over MCP by `@backstage/plugin-mcp-actions-backend`). Every action reads the catalog with
 * the caller's credentials, so catalog permissions apply as on the entity pages; the upgrade also
 * needs `aws-proton.service-instance.update` for the entity, and runs only when not a dry run.
 *
 * Actions (ids prefixed with the plugin id, `aws-proton:`):
 * - `get-service`: a service's instances, their deployment status, outputs and template version
 *   against the recommended one, by entity reference (read-only);
 * - `get-template`: a service or environment template's versions and what runs each (read-only);
 * - `upgrade-service-instance`: upgrade (or redeploy) one instance; a dry run unless `dryRun` is
 *   false (destructive).
 */
export function registerProtonActions(options: ProtonActionsOptions): void {
  const { actionsRegistry, permissions, arns, services, updates, templates } =
    options;

  actionsRegistry.register({
    name: 'get-service',
    title: 'Get an AWS Proton service',
    description:
      "Reads the AWS Proton service behind a catalog entity (its aws.amazon.com/aws-proton-service annotation): the service's status, and for each service instance its environment, deployment status and message, outputs (such as serviceUrl), and the template version it runs against the recommended one (whether a minor or major upgrade is available).",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The catalog entity of the service, e.g. component:default/orders (kind and namespace may be left out)',
            ),
        }),
      output: z =>
        z.object({
          name: z.string(),
          arn: z.string(),
          status: z.string(),
          statusMessage: z.string().optional(),
          templateName: z.string(),
          recommendedVersion: z.string().optional(),
          instances: z.array(
            z.object({
              name: z.string(),
              environmentName: z.string(),
              deploymentStatus: z.string(),
              deploymentStatusMessage: z.string().optional(),
              templateVersion: z.string(),
              minorUpgradeTo: z
                .string()
                .optional()
                .describe(
                  'The recommended minor version of its major, when newer (upgrade with MINOR_VERSION)',
                ),
              majorUpgradeTo: z
                .string()
                .optional()
                .describe(
                  'The recommended version of a newer major, when there is one (upgrade with MAJOR_VERSION)',
                ),
              outputs: z.record(z.string(), z.string()),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const arn = await arns.resolve(
        entityRefOf(input.entityRef, 'component'),
        AWS_PROTON_SERVICE_ANNOTATION,
        'service',
        credentials,
      );
      const overview = await services.getServiceOverview(arn);
      return {
        output: {
          name: overview.name,
          arn: overview.arn,
          status: overview.status,
          statusMessage: overview.statusMessage,
          templateName: overview.templateName,
          recommendedVersion: overview.recommendedVersion,
          instances: overview.instances.map(instance => ({
            name: instance.name,
            environmentName: instance.environmentName,
            deploymentStatus: instance.deploymentStatus,
            deploymentStatusMessage: instance.deploymentStatusMessage,
            templateVersion: instance.template.version,
            minorUpgradeTo: instance.template.recommendedMinorVersion,
            majorUpgradeTo: instance.template.majorUpgradeAvailable
              ? instance.template.recommendedVersion
              : undefined,
            outputs: Object.fromEntries(
              instance.outputs.map(output => [output.key, output.value]),
            ),
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-template',
    title: 'Get an AWS Proton template and where it runs',
    description:
      'Reads an AWS Proton service or environment template from its catalog entity (aws.amazon.com/aws-proton-service-template or aws.amazon.com/aws-proton-environment-template annotation): every version with its status and whether it is the recommended one, and which service instances or environments run each version.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The catalog entity of the template, e.g. resource:default/fargate-service',
            ),
        }),
      output: z =>
        z.object({
          name: z.string(),
          kind: z.enum(['service', 'environment']),
          recommendedVersion: z.string().optional(),
          versions: z.array(
            z.object({
              version: z.string(),
              status: z.string(),
              recommended: z.boolean(),
              description: z.string().optional(),
              runs: z.array(
                z.object({
                  serviceName: z.string().optional(),
                  name: z.string(),
                  pipeline: z.boolean().optional(),
                  environmentName: z.string().optional(),
                  deploymentStatus: z.string(),
                }),
              ),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const arn = await arns.resolveFirst(
        entityRefOf(input.entityRef, 'resource'),
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
        credentials,
      );
      const usage = await templates.getTemplateUsage(arn);
      return {
        output: {
          name: usage.name,
          kind: usage.kind,
          recommendedVersion: usage.recommendedVersion,
          versions: usage.versions,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'upgrade-service-instance',
    title: 'Upgrade an AWS Proton service instance',
    description:
      'Upgrades one service instance of the AWS Proton service behind a catalog entity to the recommended minor version (MINOR_VERSION, the default) or major version (MAJOR_VERSION) of its template, or redeploys it as it is (CURRENT_VERSION), keeping its inputs. It is a dry run unless dryRun is false: the dry run says which version the instance runs, which it would be deployed with, what its inputs become and what the deployment would do to its resources, and changes nothing. Needs the aws-proton.service-instance.update permission for the entity.',
    attributes: { destructive: true, readOnly: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe('The catalog entity of the service'),
          instanceName: z.string().describe('The service instance to upgrade'),
          deploymentType: z
            .enum(['MINOR_VERSION', 'MAJOR_VERSION', 'CURRENT_VERSION'])
            .default('MINOR_VERSION'),
          dryRun: z
            .boolean()
            .default(true)
            .describe('Only say what would be deployed (the default)'),
        }),
      output: z =>
        z.object({
          dryRun: z.boolean(),
          instanceName: z.string(),
          environmentName: z.string(),
          currentVersion: z.string(),
          targetVersion: z.string(),
          inputs: z
            .object({
              kept: z.array(z.object({ path: z.string(), value: z.unknown() })),
              added: z.array(
                z.object({
                  path: z.string(),
                  default: z.unknown().optional(),
                  required: z.boolean(),
                }),
              ),
              removed: z.array(
                z.object({ path: z.string(), value: z.unknown() }),
              ),
              missing: z.array(z.string()),
            })
            .optional()
            .describe(
              'For an upgrade: the inputs under the target version (kept, added with their defaults, dropped; missing: required inputs without a default)',
            ),
          resources: z
            .object({
              changes: z
                .array(
                  z.object({
                    action: z.enum(['create', 'update', 'replace', 'delete']),
                    type: z.string(),
                    name: z.string(),
                    changedInputs: z.array(z.string()).optional(),
                  }),
                )
                .optional(),
              unchanged: z.number().optional(),
              unavailable: z.string().optional(),
              failed: z.string().optional(),
            })
            .optional()
            .describe(
              "For an upgrade's dry run: what the deployment would do to the resources (changes and unchanged), as the control plane's runner computes it, or why it cannot tell (unavailable), or the failure the deployment would meet (failed)",
            ),
          deploymentStatus: z
            .string()
            .optional()
            .describe('After a real upgrade: the deployment it started'),
        }),
    },
    action: async ({ input, credentials }) => {
      const ref = entityRefOf(input.entityRef, 'component');
      const arn = await arns.resolve(
        ref,
        AWS_PROTON_SERVICE_ANNOTATION,
        'service',
        credentials,
      );
      await requireInstanceUpdatePermission(permissions, ref, credentials);
      const plan = await updates.planUpdate(
        arn,
        input.instanceName,
        input.deploymentType,
        { resources: input.dryRun },
      );
      const common = {
        instanceName: plan.name,
        environmentName: plan.environmentName,
        currentVersion: plan.currentVersion,
        targetVersion: plan.targetVersion,
        inputs: plan.inputs,
      };
      if (input.dryRun) {
        return {
          output: { dryRun: true, ...common, resources: plan.resources },
        };
      }
      const result = await updates.updateInstance(
        arn,
        input.instanceName,
        input.deploymentType,
        triggerOf(credentials),
      );
      return {
        output: {
          dryRun: false,
          ...common,
          targetVersion: result.targetVersion,
          deploymentStatus: result.deploymentStatus,
        },
      };
    },
  });
}
