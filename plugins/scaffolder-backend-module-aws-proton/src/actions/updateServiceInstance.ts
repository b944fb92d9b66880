import { UpdateServiceInstanceCommand } from '@aws-sdk/client-proton';
import { NotFoundError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  AwsProtonUpdateServiceInstanceInput,
  AwsProtonUpdateServiceInstanceOutput,
  SameKeys,
} from './actionTypes';
import {
  awsProtonServiceInstanceUpdatePermission,
  InstanceDeploymentType,
} from '@proton-platform/plugin-aws-proton-common';
import {
  authorizeInitiator,
  ProtonActionOptions,
} from '../services/actionOptions';
import { stepClientToken } from '../services/clientTokens';
import { serviceEntityRef } from '../services/entityNames';
import {
  findServiceInstance,
  instanceInputsOf,
} from '../services/instanceCreation';
import { finishInstanceDeployment } from '../services/instanceDeployment';
import { ProtonSession } from '../services/ProtonSession';
import { checkServiceSpec, sameSpec } from '../services/specChecks';
import { fetchTemplateVersionSchema } from '../services/templateVersions';
import { commonInputs, inputValues } from './commonInputs';
import { instanceSpecText } from './createServiceInstance';
import { examples } from './updateServiceInstance.examples';

const DEPLOYMENT_TYPES: Record<string, InstanceDeploymentType> = {
  none: 'CURRENT_VERSION',
  minor: 'MINOR_VERSION',
  major: 'MAJOR_VERSION',
};

/**
 * The `aws:proton:update-service-instance` action: gives a service instance new inputs, or upgrades
 * it to the recommended minor or major version of its template, and waits for the deployment.
 *
 * @public
 */
export function createAwsProtonUpdateServiceInstanceAction(
  options: ProtonActionOptions,
): TemplateAction<
  AwsProtonUpdateServiceInstanceInput,
  AwsProtonUpdateServiceInstanceOutput,
  'v2'
> {
  const { clients } = options;
  const action = createTemplateAction({
    id: 'aws:proton:update-service-instance',
    description:
      'Changes the inputs of an AWS Proton service instance or upgrades it to the recommended minor or major template version, and waits for the deployment',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        serviceName: z => z.string().describe('The name of the Proton service'),
        instanceName: z => z.string().describe('The name of the instance'),
        inputs: z =>
          inputValues(z)
            .optional()
            .describe(
              "The instance's new inputs (all of them); its current ones when omitted",
            ),
        upgrade: z =>
          z
            .enum(['none', 'minor', 'major'])
            .optional()
            .describe(
              "none (default) keeps the template version; minor upgrades to the recommended minor version of the instance's major version; major to the template's recommended version",
            ),
        ...commonInputs,
      },
      output: {
        arn: z => z.string(),
        serviceName: z => z.string(),
        instanceName: z => z.string(),
        entityRef: z => z.string(),
        templateVersion: z =>
          z
            .string()
            .describe('The template version the instance runs, major.minor'),
        deploymentStatus: z => z.string(),
        statusMessage: z => z.string().optional(),
        outputs: z => z.record(z.string()),
        serviceUrl: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      const label = `${input.serviceName}/${input.instanceName}`;
      await authorizeInitiator(
        options,
        () => ctx.getInitiatorCredentials(),
        awsProtonServiceInstanceUpdatePermission,
        `update the instances of ${serviceEntityRef(input.serviceName)}`,
        serviceEntityRef(input.serviceName),
      );
      const session = await ProtonSession.open(clients, input);
      const current = await findServiceInstance(
        session,
        input.serviceName,
        input.instanceName,
      );
      if (!current) {
        throw new NotFoundError(
          `AWS Proton has no service instance ${label} in account ${session.target.accountId}, region ${session.target.region}`,
        );
      }
      const upgrade = input.upgrade ?? 'none';
      const currentVersion = await fetchTemplateVersionSchema(
        session,
        'service',
        current.templateName!,
        current.templateMajorVersion,
        current.templateMinorVersion,
      ).catch(() => undefined);
      const target = await fetchTemplateVersionSchema(
        session,
        'service',
        current.templateName!,
        upgrade === 'major' ? undefined : current.templateMajorVersion,
        upgrade === 'none' ? current.templateMinorVersion : undefined,
      );
      const inputs =
        input.inputs ??
        (currentVersion
          ? instanceInputsOf(currentVersion, current)
          : undefined) ??
        {};
      const specText = instanceSpecText(
        input.instanceName,
        current.environmentName!,
        inputs,
      );
      const spec = checkServiceSpec(
        target,
        specText,
        `the inputs of the instance ${label}`,
      );
      const targetVersion = `${target.majorVersion}.${target.minorVersion}`;
      const currentLabel = `${current.templateMajorVersion}.${current.templateMinorVersion}`;
      ctx.output('arn', current.arn!);
      ctx.output('serviceName', input.serviceName);
      ctx.output('instanceName', input.instanceName);
      ctx.output('entityRef', serviceEntityRef(input.serviceName));
      ctx.output('templateVersion', targetVersion);
      const unchanged =
        (input.inputs !== undefined || upgrade !== 'none') &&
        targetVersion === currentLabel &&
        current.deploymentStatus === 'SUCCEEDED' &&
        currentVersion !== undefined &&
        sameSpec(
          instanceInputsOf(currentVersion, current),
          spec.instances[0].spec,
        );
      if (ctx.isDryRun || unchanged) {
        logger.info(
          unchanged
            ? `The AWS Proton service instance ${label} already runs ${targetVersion} with these inputs; nothing to do`
            : `Dry run: would update the AWS Proton service instance ${label} from ${currentLabel} to ${targetVersion}; the inputs are valid`,
        );
        ctx.output('deploymentStatus', current.deploymentStatus!);
        ctx.output('outputs', {});
        return;
      }
      const deploymentType =
        targetVersion === currentLabel
          ? 'CURRENT_VERSION'
          : DEPLOYMENT_TYPES[upgrade];
      await ctx.checkpoint({
        key: `aws-proton.update-service-instance.${session.target.accountId}.${session.target.region}.${label}`,
        fn: async () => {
          await session.call(
            'UpdateServiceInstance',
            `service instance "${label}"`,
            c =>
              c.send(
                new UpdateServiceInstanceCommand({
                  serviceName: input.serviceName,
                  name: input.instanceName,
                  deploymentType,
                  spec:
                    input.inputs !== undefined || upgrade === 'major'
                      ? specText
                      : undefined,
                  templateMajorVersion:
                    deploymentType === 'CURRENT_VERSION'
                      ? undefined
                      : target.majorVersion,
                  templateMinorVersion:
                    deploymentType === 'CURRENT_VERSION'
                      ? undefined
                      : target.minorVersion,
                  clientToken: stepClientToken(
                    ctx.task.id,
                    ctx.step?.id,
                    label,
                    deploymentType,
                    targetVersion,
                    specText,
                  ),
                }),
              ),
          );
          logger.info(
            `Updating the AWS Proton service instance ${label} (${deploymentType}, ${currentLabel} to ${targetVersion})`,
          );
        },
      });
      await finishInstanceDeployment(ctx, options, session, logger, input, {
        recordTrigger: true,
      });
    },
  });
  // the schema above and the declared types have the same inputs and outputs
  const checked: SameKeys<
    typeof action,
    AwsProtonUpdateServiceInstanceInput,
    AwsProtonUpdateServiceInstanceOutput
  > = action;
  return checked;
}
