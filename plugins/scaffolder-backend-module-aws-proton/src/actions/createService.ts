import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type {
  AwsProtonCreateServiceInput,
  AwsProtonCreateServiceOutput,
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
  announceChange,
  authorizeInitiator,
  DEFAULT_MAX_WAIT_SECONDS,
  pollIntervalsOf,
  ProtonActionOptions,
  triggerRecorderOf,
} from '../services/actionOptions';
import { lastDeploymentIds } from '../services/deploymentTriggers';
import {
  collectInstanceResults,
  failOnUnsuccessful,
  findServiceUrl,
  waitForServiceInstances,
} from '../services/deploymentWaiter';
import { serviceEntityRef } from '../services/entityNames';
import { ProtonSession } from '../services/ProtonSession';
import { createOrAdoptService } from '../services/serviceCreation';
import { checkServiceSpec, readWorkspaceSpec } from '../services/specChecks';
import { fetchTemplateVersionSchema } from '../services/templateVersions';
import {
  commonInputs,
  inputValues,
  instanceOutput,
  tagsInput,
  templateVersionInputs,
} from './commonInputs';
import { examples } from './createService.examples';

function specTextOf(
  input: {
    serviceSpecPath?: string;
    instances?: Array<{
      name: string;
      environment: string;
      inputs?: Record<string, unknown>;
    }>;
    pipeline?: Record<string, unknown>;
  },
  workspacePath: string,
): Promise<string> {
  if (input.serviceSpecPath && input.instances) {
    throw new InputError(
      'Give either serviceSpecPath or instances (with pipeline), not both',
    );
  }
  if (input.serviceSpecPath) {
    return readWorkspaceSpec(
      workspacePath,
      input.serviceSpecPath,
      'serviceSpecPath',
    );
  }
  if (!input.instances) {
    throw new InputError(
      'Give serviceSpecPath (a spec file in the workspace) or instances (with pipeline)',
    );
  }
  try {
    return Promise.resolve(
      buildServiceSpec({
        instances: input.instances,
        pipeline: input.pipeline,
      }),
    );
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      throw new InputError(formatSpecErrors(error.issues, 'the instances'));
    }
    throw error;
  }
}

/**
 * The `aws:proton:create-service` action: creates an AWS Proton service and its instances, waits
 * for their deployment and outputs each instance's status and outputs. Its id and the inputs of the
 * archived AWS Proton plugin are kept, so that existing software templates keep working.
 *
 * @public
 */
export function createAwsProtonServiceAction(
  options: ProtonActionOptions,
): TemplateAction<
  AwsProtonCreateServiceInput,
  AwsProtonCreateServiceOutput,
  'v2'
> {
  const { clients } = options;
  const action = createTemplateAction({
    id: 'aws:proton:create-service',
    description:
      'Creates an AWS Proton service from a service template, with its instances given as inputs or by a spec file in the workspace, and waits for their deployment',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        serviceName: z => z.string().describe('The name of the Proton service'),
        templateName: z =>
          z.string().describe('The name of the Proton service template'),
        ...templateVersionInputs,
        serviceSpecPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of a Proton service spec (YAML) in the workspace; instead of instances',
            ),
        instances: z =>
          z
            .array(
              z.object({
                name: z.string(),
                environment: z.string(),
                inputs: inputValues(z).optional(),
              }),
            )
            .optional()
            .describe(
              'The instances to create, each with its environment and template inputs; instead of serviceSpecPath',
            ),
        pipeline: z =>
          inputValues(z)
            .optional()
            .describe('The pipeline inputs, with instances'),
        description: z =>
          z.string().optional().describe('A description of the service'),
        tags: tagsInput,
        repository: z =>
          z
            .object({ owner: z.string(), repo: z.string() })
            .passthrough()
            .optional()
            .describe(
              'The source repository of the service pipeline (parseRepoUrl output)',
            ),
        repositoryConnectionArn: z =>
          z
            .string()
            .optional()
            .describe('The CodeStar connection ARN of the repository'),
        branchName: z =>
          z.string().optional().describe('The branch the pipeline builds'),
        allowPartial: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Succeed when some (not all) instances fail to deploy; their status is in the output',
            ),
        ...commonInputs,
      },
      output: {
        arn: z => z.string().describe('The ARN of the Proton service'),
        serviceName: z => z.string().describe('The name of the Proton service'),
        entityRef: z =>
          z.string().describe("The ref of the service's catalog entity"),
        instances: z =>
          z
            .array(instanceOutput(z))
            .describe("Each instance's ARN, deployment status and outputs"),
        serviceUrl: z =>
          z
            .string()
            .optional()
            .describe('The service URL, when an instance reports one'),
      },
    },
    async handler(ctx) {
      const { input, logger } = ctx;
      await authorizeInitiator(
        options,
        () => ctx.getInitiatorCredentials(),
        awsProtonServiceCreatePermission,
        'create AWS Proton services',
      );
      const session = await ProtonSession.open(clients, input);
      const specText = await specTextOf(input, ctx.workspacePath);
      const version = await fetchTemplateVersionSchema(
        session,
        'service',
        input.templateName,
        input.templateMajorVersion,
        input.templateMinorVersion,
      );
      const spec = checkServiceSpec(
        version,
        specText,
        `the spec of the service ${input.serviceName}`,
      );
      const arn = formatProtonArn({
        resourceType: 'service',
        name: input.serviceName,
        ...session.target,
      });
      const entityRef = serviceEntityRef(input.serviceName);
      ctx.output('serviceName', input.serviceName);
      ctx.output('entityRef', entityRef);

      if (ctx.isDryRun) {
        logger.info(
          `Dry run: would create the AWS Proton service ${
            input.serviceName
          } from ${version.templateName} ${version.majorVersion}.${
            version.minorVersion
          } in account ${session.target.accountId}, region ${
            session.target.region
          }, with the instances ${spec.instances
            .map(i => `${i.name} (environment ${i.environment})`)
            .join(', ')}${
            input.tags && Object.keys(input.tags).length > 0
              ? ` and the tags ${Object.entries(input.tags)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(', ')}`
              : ''
          }; the spec is valid`,
        );
        ctx.output('arn', arn);
        ctx.output(
          'instances',
          spec.instances.map(i => ({
            name: i.name,
            environment: i.environment,
            arn: `${arn}/${i.name}`,
            deploymentStatus: 'NOT_CREATED',
            outputs: {},
          })),
        );
        return;
      }

      const created = await ctx.checkpoint({
        key: `aws-proton.create-service.${session.target.accountId}.${session.target.region}.${input.serviceName}`,
        fn: async () => {
          const result = await createOrAdoptService(
            session,
            version,
            {
              name: input.serviceName,
              specText,
              spec,
              description: input.description,
              tags: input.tags,
              repositoryId: input.repository
                ? `${input.repository.owner}/${input.repository.repo}`
                : undefined,
              repositoryConnectionArn: input.repositoryConnectionArn,
              branchName: input.branchName,
            },
            logger,
          );
          return { ...result };
        },
      });
      ctx.output('arn', created.arn);
      await announceChange(options, logger, {
        action: 'created',
        arn: created.arn,
      });

      const names = spec.instances.map(i => i.name);
      const triggers = triggerRecorderOf(
        options,
        ctx,
        session.target,
        logger,
        !created.adopted,
      );
      await triggers?.record(() =>
        lastDeploymentIds(session, {
          serviceName: input.serviceName,
          instanceNames: names,
          pipeline: spec.pipeline !== undefined,
        }),
      );
      if (input.wait === false) {
        logger.info(
          `Not waiting for the deployment of ${names.join(', ')} (wait: false)`,
        );
        ctx.output(
          'instances',
          spec.instances.map(i => ({
            name: i.name,
            environment: i.environment,
            arn: `${created.arn}/${i.name}`,
            deploymentStatus: 'IN_PROGRESS',
            outputs: {},
          })),
        );
        return;
      }
      const settled = await waitForServiceInstances(
        session,
        input.serviceName,
        names,
        {
          logger,
          signal: ctx.signal,
          intervals: pollIntervalsOf(options),
          maxWaitMs: (input.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
          onDeployments: triggers && (ids => triggers.record(ids)),
        },
      );
      const results = await collectInstanceResults(
        session,
        input.serviceName,
        settled,
      );
      ctx.output('instances', results);
      const serviceUrl = findServiceUrl(results);
      if (serviceUrl) ctx.output('serviceUrl', serviceUrl);
      await announceChange(options, logger, {
        action: 'updated',
        arn: created.arn,
      });
      failOnUnsuccessful(
        results,
        `instances of the service ${input.serviceName}`,
        input.allowPartial ?? false,
        logger,
      );
      logger.info(
        `The AWS Proton service ${input.serviceName} is deployed: ${results
          .map(r => `${r.name} ${r.deploymentStatus}`)
          .join(', ')}`,
      );
    },
  });
  // the schema above and the declared types have the same inputs and outputs
  const checked: SameKeys<
    typeof action,
    AwsProtonCreateServiceInput,
    AwsProtonCreateServiceOutput
  > = action;
  return checked;
}
