import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  AwsProtonCreateServiceInstanceInput,
  AwsProtonServiceInstanceOutput,
  SameKeys,
} from './actionTypes';
import {
  awsProtonServiceCreatePermission,
  buildServiceSpec,
  formatProtonArn,
  formatSpecErrors,
  ProtonSpecError,
} from '@proton-platform/plugin-aws-proton-common';
import {
  authorizeInitiator,
  ProtonActionOptions,
} from '../services/actionOptions';
import { stepClientToken } from '../services/clientTokens';
import { serviceEntityRef } from '../services/entityNames';
import {
  createOrAdoptServiceInstance,
  serviceTemplateName,
} from '../services/instanceCreation';
import { finishInstanceDeployment } from '../services/instanceDeployment';
import { ProtonSession } from '../services/ProtonSession';
import { checkServiceSpec } from '../services/specChecks';
import { fetchTemplateVersionSchema } from '../services/templateVersions';
import {
  commonInputs,
  inputValues,
  tagsInput,
  templateVersionInputs,
} from './commonInputs';
import { examples } from './createServiceInstance.examples';

/** Builds the one-instance service spec that CreateServiceInstance and UpdateServiceInstance take. */
export function instanceSpecText(
  name: string,
  environment: string,
  inputs: Record<string, unknown> | undefined,
): string {
  try {
    return buildServiceSpec({ instances: [{ name, environment, inputs }] });
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      throw new InputError(formatSpecErrors(error.issues, 'the instance'));
    }
    throw error;
  }
}

/**
 * The `aws:proton:create-service-instance` action: adds an instance to an existing AWS Proton
 * service, in one environment, and waits for its deployment.
 *
 * @public
 */
export function createAwsProtonServiceInstanceAction(
  options: ProtonActionOptions,
): TemplateAction<
  AwsProtonCreateServiceInstanceInput,
  AwsProtonServiceInstanceOutput,
  'v2'
> {
  const { clients } = options;
  const action = createTemplateAction({
    id: 'aws:proton:create-service-instance',
    description:
      'Adds an instance to an existing AWS Proton service, in one environment, and waits for its deployment',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        serviceName: z => z.string().describe('The name of the Proton service'),
        instanceName: z => z.string().describe('The name of the new instance'),
        environment: z =>
          z.string().describe('The environment the instance is deployed to'),
        inputs: z =>
          inputValues(z)
            .optional()
            .describe(
              "The instance's inputs, as the template's schema declares them",
            ),
        ...templateVersionInputs,
        tags: tagsInput,
        ...commonInputs,
      },
      output: {
        arn: z => z.string().describe('The ARN of the service instance'),
        serviceName: z => z.string(),
        instanceName: z => z.string(),
        entityRef: z =>
          z.string().describe("The ref of the service's catalog entity"),
        deploymentStatus: z => z.string(),
        statusMessage: z => z.string().optional(),
        outputs: z => z.record(z.string()).describe("The instance's outputs"),
        serviceUrl: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      await authorizeInitiator(
        options,
        () => ctx.getInitiatorCredentials(),
        awsProtonServiceCreatePermission,
        'create AWS Proton service instances',
      );
      const session = await ProtonSession.open(clients, input);
      const label = `${input.serviceName}/${input.instanceName}`;
      const templateName = await serviceTemplateName(
        session,
        input.serviceName,
      );
      const version = await fetchTemplateVersionSchema(
        session,
        'service',
        templateName,
        input.templateMajorVersion,
        input.templateMinorVersion,
      );
      const specText = instanceSpecText(
        input.instanceName,
        input.environment,
        input.inputs,
      );
      const spec = checkServiceSpec(
        version,
        specText,
        `the inputs of the instance ${label}`,
      );
      const arn = formatProtonArn({
        resourceType: 'service-instance',
        name: input.serviceName,
        instanceName: input.instanceName,
        ...session.target,
      });
      ctx.output('serviceName', input.serviceName);
      ctx.output('instanceName', input.instanceName);
      ctx.output('entityRef', serviceEntityRef(input.serviceName));
      if (ctx.isDryRun) {
        logger.info(
          `Dry run: would create the AWS Proton service instance ${label} in the environment ${input.environment} from ${templateName} ${version.majorVersion}.${version.minorVersion}; the inputs are valid`,
        );
        ctx.output('arn', arn);
        ctx.output('deploymentStatus', 'NOT_CREATED');
        ctx.output('outputs', {});
        return;
      }
      const created = await ctx.checkpoint({
        key: `aws-proton.create-service-instance.${session.target.accountId}.${session.target.region}.${label}`,
        fn: async () => ({
          ...(await createOrAdoptServiceInstance(
            session,
            version,
            {
              serviceName: input.serviceName,
              name: input.instanceName,
              environment: input.environment,
              specText,
              inputs: spec.instances[0].spec,
              tags: input.tags,
              clientToken: stepClientToken(
                ctx.task.id,
                ctx.step?.id,
                label,
                specText,
              ),
            },
            logger,
          )),
        }),
      });
      ctx.output('arn', created.arn);
      // an adopted instance's deployment was started by whoever created it
      await finishInstanceDeployment(ctx, options, session, logger, input, {
        recordTrigger: !created.adopted,
      });
    },
  });
  // the schema above and the declared types have the same inputs and outputs
  const checked: SameKeys<
    typeof action,
    AwsProtonCreateServiceInstanceInput,
    AwsProtonServiceInstanceOutput
  > = action;
  return checked;
}
