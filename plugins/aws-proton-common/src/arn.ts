/**
 * The kinds of AWS Proton resources that have an ARN of their own.
 *
 * @public
 */
export type ProtonResourceType =
  | 'service'
  | 'environment'
  | 'service-template'
  | 'environment-template'
  | 'service-instance'
  | 'service-pipeline'
  | 'component'
  | 'service-template-version'
  | 'environment-template-version';

/**
 * A parsed AWS Proton ARN.
 *
 * @public
 */
export interface ProtonArn {
  /** The AWS partition: `aws`, `aws-cn` or `aws-us-gov`. */
  partition: string;
  /** The AWS Region, such as `us-east-1`. */
  region: string;
  /** The 12-digit AWS account ID. */
  accountId: string;
  /** The kind of resource the ARN names. */
  resourceType: ProtonResourceType;
  /** The resource's own name: the service, environment or template name. */
  name: string;
  /** For a service instance, the instance name; `name` is then the service's name. */
  instanceName?: string;
  /**
   * For a service pipeline, the pipeline's ID when the ARN has one (`.../pipeline/<id>`); `name` is
   * then the service's name.
   */
  pipelineId?: string;
  /** For a template version, `major.minor`; `name` is then the template's name. */
  version?: string;
}

/**
 * Raised when a string is not a valid AWS Proton ARN of the expected kind.
 *
 * @public
 */
export class InvalidProtonArnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidProtonArnError';
  }
}

const NAME = /^[0-9A-Za-z]+[0-9A-Za-z_-]*$/;
const VERSION = /^\d+\.\d+$/;
const PIPELINE_ID = /^[0-9A-Za-z-]{1,64}$/;
const ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):proton:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):(.+)$/;
const TYPES = new Set<string>([
  'service',
  'environment',
  'component',
  'service-template',
  'environment-template',
]);

/**
 * The resource part of an ARN (after the account), by its segments:
 * `<type>/<name>`; `service/<service>/service-instance/<instance>` (AWS's form; `service/<service>/<instance>`,
 * which earlier versions of this project made, is read too); `service/<service>/pipeline[/<id>]`;
 * `<service|environment>-template/<name>/<major.minor>`.
 */
function parseResource(
  resource: string,
):
  | Pick<
      ProtonArn,
      'resourceType' | 'name' | 'instanceName' | 'pipelineId' | 'version'
    >
  | undefined {
  const [type, name, ...rest] = resource.split('/');
  if (!TYPES.has(type) || !NAME.test(name ?? '')) return undefined;
  const resourceType = type as ProtonResourceType;
  if (rest.length === 0) return { resourceType, name };
  if (type === 'service') {
    if (rest[0] === 'service-instance' && rest.length === 2) {
      return NAME.test(rest[1])
        ? { resourceType: 'service-instance', name, instanceName: rest[1] }
        : undefined;
    }
    if (rest[0] === 'pipeline' && rest.length <= 2) {
      if (rest.length === 1) return { resourceType: 'service-pipeline', name };
      return PIPELINE_ID.test(rest[1])
        ? { resourceType: 'service-pipeline', name, pipelineId: rest[1] }
        : undefined;
    }
    // the earlier form; `service-instance` alone is AWS's form missing its instance name
    return rest.length === 1 &&
      NAME.test(rest[0]) &&
      rest[0] !== 'service-instance'
      ? { resourceType: 'service-instance', name, instanceName: rest[0] }
      : undefined;
  }
  if (
    type.endsWith('-template') &&
    rest.length === 1 &&
    VERSION.test(rest[0])
  ) {
    return {
      resourceType: `${type}-version` as ProtonResourceType,
      name,
      version: rest[0],
    };
  }
  return undefined;
}

function describeType(type: ProtonResourceType): string {
  const words = type.replace(/-/g, ' ');
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/**
 * Parses an AWS Proton ARN such as `arn:aws:proton:us-east-1:123456789012:service/my-service`, or
 * `...:service/my-service/service-instance/dev` for a service instance (AWS's form, as
 * `aws proton get-service-instance` shows it).
 *
 * @param arn - the ARN to parse
 * @param expected - when given, the resource type the ARN must name
 * @throws InvalidProtonArnError naming what is wrong with the value
 * @public
 */
export function parseProtonArn(
  arn: string,
  expected?: ProtonResourceType,
): ProtonArn {
  const value = typeof arn === 'string' ? arn.trim() : '';
  const match = ARN_PATTERN.exec(value);
  const resource = match ? parseResource(match[4]) : undefined;
  if (!match || !resource) {
    throw new InvalidProtonArnError(
      `"${String(arn)}" is not an AWS Proton ARN; expected the form ` +
        `arn:aws:proton:<region>:<12-digit account id>:${
          expected ?? 'service'
        }/<name>`,
    );
  }
  const [, partition, region, accountId] = match;
  const parsed: ProtonArn = { partition, region, accountId, ...resource };
  if (expected && parsed.resourceType !== expected) {
    throw new InvalidProtonArnError(
      `"${arn}" names ${describeType(parsed.resourceType)}, but ${describeType(
        expected,
      )} ARN is expected here`,
    );
  }
  return parsed;
}

/**
 * Formats an AWS Proton ARN from its parts; the inverse of {@link parseProtonArn}.
 *
 * @public
 */
export function formatProtonArn(
  arn: Omit<ProtonArn, 'partition'> & { partition?: string },
): string {
  const prefix = `arn:${arn.partition ?? 'aws'}:proton:${arn.region}:${
    arn.accountId
  }`;
  switch (arn.resourceType) {
    case 'service-instance':
      return `${prefix}:service/${arn.name}/service-instance/${arn.instanceName}`;
    case 'service-pipeline':
      return `${prefix}:service/${arn.name}/pipeline${
        arn.pipelineId ? `/${arn.pipelineId}` : ''
      }`;
    case 'service-template-version':
      return `${prefix}:service-template/${arn.name}/${arn.version}`;
    case 'environment-template-version':
      return `${prefix}:environment-template/${arn.name}/${arn.version}`;
    default:
      return `${prefix}:${arn.resourceType}/${arn.name}`;
  }
}
