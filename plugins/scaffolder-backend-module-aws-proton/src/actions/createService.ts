import { CreateServiceCommand } from '@aws-sdk/client-proton';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatProtonArn } from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
} from '@proton-platform/plugin-aws-proton-node';
import fs from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { examples } from './createService.examples';

/**
 * The `aws:proton:create-service` action. Its id and inputs are those of the archived AWS Proton
 * plugin, so that existing software templates keep working.
 *
 * @public
 */
export function createAwsProtonServiceAction(options: {
  clients: ProtonClientFactory;
}) {
  const { clients } = options;
  return createTemplateAction({
    id: 'aws:proton:create-service',
    description:
      'Creates an AWS Proton service from a service template and a spec file in the workspace',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        serviceName: z =>
          z.string().describe('The name of the Proton service'),
        templateName: z =>
          z.string().describe('The name of the Proton service template'),
        templateMajorVersion: z =>
          z
            .string()
            .regex(/^\d+$/, 'must be a major version number such as "1"')
            .describe('The major version of the service template'),
        serviceSpecPath: z =>
          z
            .string()
            .describe(
              'Path of the Proton service spec (YAML), relative to the workspace',
            ),
        region: z =>
          z
            .string()
            .optional()
            .describe('The AWS region; defaults to awsProton.defaultRegion'),
        accountId: z =>
          z
            .string()
            .optional()
            .describe(
              'The AWS account id; defaults to awsProton.defaultAccountId',
            ),
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
      },
      output: {
        arn: z => z.string().describe('The ARN of the Proton service'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const target = clients.resolveTarget({
        accountId: input.accountId,
        region: input.region,
      });
      const specPath = resolveSafeChildPath(
        ctx.workspacePath,
        input.serviceSpecPath,
      );
      const spec = await fs.readFile(specPath, 'utf8').catch(() => {
        throw new InputError(
          `serviceSpecPath: no file ${input.serviceSpecPath} in the workspace`,
        );
      });
      try {
        parseYaml(spec);
      } catch (error) {
        throw new InputError(
          `serviceSpecPath: ${input.serviceSpecPath} is not valid YAML: ${
            (error as Error).message
          }`,
        );
      }
      const arn = formatProtonArn({
        resourceType: 'service',
        name: input.serviceName,
        ...target,
      });
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create AWS Proton service ${input.serviceName} from template ${input.templateName} ${input.templateMajorVersion} in account ${target.accountId}, region ${target.region}`,
        );
        ctx.output('arn', arn);
        return;
      }
      const client = await clients.getClient(target);
      const created = await ctx.checkpoint({
        key: `aws-proton-create-service-${input.serviceName}`,
        fn: async () => {
          const response = await callProton(
            {
              operation: 'CreateService',
              resource: `service "${input.serviceName}"`,
              ...target,
            },
            () =>
              client.send(
                new CreateServiceCommand({
                  name: input.serviceName,
                  templateName: input.templateName,
                  templateMajorVersion: input.templateMajorVersion,
                  spec,
                  repositoryId: input.repository
                    ? `${input.repository.owner}/${input.repository.repo}`
                    : undefined,
                  repositoryConnectionArn: input.repositoryConnectionArn,
                  branchName: input.branchName,
                }),
              ),
          );
          return response.service?.arn ?? arn;
        },
      });
      ctx.logger.info(`Created AWS Proton service ${created}`);
      ctx.output('arn', created);
    },
  });
}
