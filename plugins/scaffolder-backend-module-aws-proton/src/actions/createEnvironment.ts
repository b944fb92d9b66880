import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  AwsProtonCreateEnvironmentInput,
  AwsProtonCreateEnvironmentOutput,
  SameKeys,
} from './actionTypes';
import {
  awsProtonEnvironmentCreatePermission,
  buildEnvironmentSpec,
  formatProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  announceChange,
  authorizeInitiator,
  DEFAULT_MAX_WAIT_SECONDS,
  pollIntervalsOf,
  ProtonActionOptions,
  triggerRecorderOf,
} from '../services/actionOptions';
import { lastDeploymentIds } from '../services/deploymentTriggers';
import {
  failOnUnsuccessful,
  waitForEnvironment,
} from '../services/deploymentWaiter';
import { environmentEntityRef } from '../services/entityNames';
import { createOrAdoptEnvironment } from '../services/environmentCreation';
import { ProtonSession } from '../services/ProtonSession';
import {
  checkEnvironmentSpec,
  readWorkspaceSpec,
} from '../services/specChecks';
import { fetchTemplateVersionSchema } from '../services/templateVersions';
import {
  commonInputs,
  inputValues,
  tagsInput,
  templateVersionInputs,
} from './commonInputs';
import { examples } from './createEnvironment.examples';

/**
 * The `aws:proton:create-environment` action: creates an AWS Proton environment from an environment
 * template and waits for its deployment.
 *
 * @public
 */
export function createAwsProtonEnvironmentAction(
  options: ProtonActionOptions,
): TemplateAction<
  AwsProtonCreateEnvironmentInput,
  AwsProtonCreateEnvironmentOutput,
  'v2'
> {
  const { clients } = options;
  const action = createTemplateAction({
    id: 'aws:proton:create-environment',
    description:
      'Creates an AWS Proton environment from an environment template and waits for its deployment',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('The name of the environment'),
        templateName: z =>
          z.string().describe('The name of the environment template'),
        ...templateVersionInputs,
        inputs: z =>
          inputValues(z)
            .optional()
            .describe("The environment's inputs; instead of specPath"),
        specPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of an environment spec (YAML) in the workspace; instead of inputs',
            ),
        description: z => z.string().optional(),
        tags: tagsInput,
        protonServiceRoleArn: z =>
          z
            .string()
            .optional()
            .describe(
              'The IAM role Proton provisions with (AWS-managed provisioning)',
            ),
        codebuildRoleArn: z =>
          z
            .string()
            .optional()
            .describe('The IAM role of CodeBuild-based provisioning'),
        ...commonInputs,
      },
      output: {
        arn: z => z.string().describe('The ARN of the environment'),
        name: z => z.string(),
        entityRef: z =>
          z.string().describe("The ref of the environment's catalog entity"),
        deploymentStatus: z => z.string(),
        statusMessage: z => z.string().optional(),
        outputs: z =>
          z.record(z.string()).describe("The environment's outputs"),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      await authorizeInitiator(
        options,
        () => ctx.getInitiatorCredentials(),
        awsProtonEnvironmentCreatePermission,
        'create AWS Proton environments',
      );
      if (input.specPath && input.inputs) {
        throw new InputError('Give either specPath or inputs, not both');
      }
      const session = await ProtonSession.open(clients, input);
      const version = await fetchTemplateVersionSchema(
        session,
        'environment',
        input.templateName,
        input.templateMajorVersion,
        input.templateMinorVersion,
      );
      const specText = input.specPath
        ? await readWorkspaceSpec(ctx.workspacePath, input.specPath, 'specPath')
        : buildEnvironmentSpec(input.inputs ?? {});
      const spec = checkEnvironmentSpec(
        version,
        specText,
        `the spec of the environment ${input.name}`,
      );
      const arn = formatProtonArn({
        resourceType: 'environment',
        name: input.name,
        ...session.target,
      });
      ctx.output('name', input.name);
      ctx.output('entityRef', environmentEntityRef(input.name));
      if (ctx.isDryRun) {
        logger.info(
          `Dry run: would create the AWS Proton environment ${input.name} from ${version.templateName} ${version.majorVersion}.${version.minorVersion} in account ${session.target.accountId}, region ${session.target.region}; the spec is valid`,
        );
        ctx.output('arn', arn);
        ctx.output('deploymentStatus', 'NOT_CREATED');
        ctx.output('outputs', {});
        return;
      }
      const created = await ctx.checkpoint({
        key: `aws-proton.create-environment.${session.target.accountId}.${session.target.region}.${input.name}`,
        fn: async () => ({
          ...(await createOrAdoptEnvironment(
            session,
            version,
            {
              name: input.name,
              specText,
              spec,
              description: input.description,
              tags: input.tags,
              protonServiceRoleArn: input.protonServiceRoleArn,
              codebuildRoleArn: input.codebuildRoleArn,
            },
            logger,
          )),
        }),
      });
      ctx.output('arn', created.arn);
      await announceChange(options, logger, {
        action: 'created',
        arn: created.arn,
      });
      const triggers = triggerRecorderOf(
        options,
        ctx,
        session.target,
        logger,
        !created.adopted,
      );
      await triggers?.record(() =>
        lastDeploymentIds(session, { environmentName: input.name }),
      );
      if (input.wait === false) {
        ctx.output('deploymentStatus', 'IN_PROGRESS');
        ctx.output('outputs', {});
        return;
      }
      const result = await waitForEnvironment(session, input.name, {
        logger,
        signal: ctx.signal,
        intervals: pollIntervalsOf(options),
        maxWaitMs: (input.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
        onDeployments: triggers && (ids => triggers.record(ids)),
      });
      ctx.output('deploymentStatus', result.deploymentStatus);
      if (result.statusMessage)
        ctx.output('statusMessage', result.statusMessage);
      ctx.output('outputs', result.outputs);
      await announceChange(options, logger, {
        action: 'updated',
        arn: created.arn,
      });
      failOnUnsuccessful(
        [{ name: input.name, ...result }],
        'environments',
        false,
        logger,
      );
    },
  });
  // the schema above and the declared types have the same inputs and outputs
  const checked: SameKeys<
    typeof action,
    AwsProtonCreateEnvironmentInput,
    AwsProtonCreateEnvironmentOutput
  > = action;
  return checked;
}
