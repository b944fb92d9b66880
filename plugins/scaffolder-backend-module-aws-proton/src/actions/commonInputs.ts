import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

/** The zod implementation the scaffolder hands to schema callbacks. */
type Z = Parameters<
  Extract<
    NonNullable<
      NonNullable<Parameters<typeof createTemplateAction>[0]['schema']>['input']
    >,
    (...args: any[]) => any
  >
>[0];

/** Inputs that every AWS Proton action takes: where, tags, and how long to wait. */
export const commonInputs = {
  region: (z: Z) =>
    z
      .string()
      .optional()
      .describe('The AWS region; defaults to awsProton.defaultRegion'),
  accountId: (z: Z) =>
    z
      .string()
      .optional()
      .describe('The AWS account id; defaults to awsProton.defaultAccountId'),
  wait: (z: Z) =>
    z
      .boolean()
      .optional()
      .describe(
        'Wait for the deployment to end (default true); polls every 1 s growing to 10 s',
      ),
  maxWaitSeconds: (z: Z) =>
    z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'The longest wait for the deployment, in seconds (default 1800)',
      ),
};

/** The template version: each part defaults to the recommended one. */
export const templateVersionInputs = {
  templateMajorVersion: (z: Z) =>
    z
      .string()
      .regex(/^(\d+)?$/, 'must be a major version number such as "1"')
      .optional()
      .describe(
        "The template's major version; defaults to the recommended version's",
      ),
  templateMinorVersion: (z: Z) =>
    z
      .string()
      .regex(/^(\d+)?$/, 'must be a minor version number such as "2"')
      .optional()
      .describe(
        "The template's minor version; defaults to the major version's recommended one",
      ),
};

/** A string map of tags, as `{ key: value }`. */
export const tagsInput = (z: Z) =>
  z
    .record(z.string())
    .optional()
    .describe('Tags to put on the resource, as a map of key to value');

/** Template input values: a mapping of input names to values. */
export const inputValues = (z: Z) => z.record(z.unknown());

/** One service instance, as the actions output it. */
export const instanceOutput = (z: Z) =>
  z.object({
    name: z.string(),
    environment: z.string(),
    arn: z.string(),
    deploymentStatus: z.string(),
    statusMessage: z.string().optional(),
    outputs: z.record(z.string()),
  });
