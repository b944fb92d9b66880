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

const NAME = '[0-9A-Za-z]+[0-9A-Za-z_\\-]*';
const ARN_PATTERN = new RegExp(
  `^arn:(aws|aws-cn|aws-us-gov):proton:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):([a-z-]+)/(${NAME})(?:/(${NAME}|\\d+\\.\\d+))?$`,
);
const WITH_CHILD: Partial<Record<string, ProtonResourceType>> = {
  service: 'service-instance',
  'service-template': 'service-template-version',
  'environment-template': 'environment-template-version',
};
const TYPES = new Set<string>([
  'service',
  'environment',
  'service-template',
  'environment-template',
]);

function describeType(type: ProtonResourceType): string {
  const words = type.replace(/-/g, ' ');
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/**
 * Parses an AWS Proton ARN such as `arn:aws:proton:us-east-1:123456789012:service/my-service`.
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
  if (!match || !TYPES.has(match[4])) {
    throw new InvalidProtonArnError(
      `"${String(arn)}" is not an AWS Proton ARN; expected the form ` +
        `arn:aws:proton:<region>:<12-digit account id>:${
          expected ?? 'service'
        }/<name>`,
    );
  }
  const [, partition, region, accountId, type, name, child] = match;
  let parsed: ProtonArn;
  if (child === undefined) {
    parsed = {
      partition,
      region,
      accountId,
      resourceType: type as ProtonResourceType,
      name,
    };
  } else {
    const childType = WITH_CHILD[type];
    const isVersion = /^\d+\.\d+$/.test(child);
    if (!childType || (childType === 'service-instance') === isVersion) {
      throw new InvalidProtonArnError(
        `"${arn}" is not an AWS Proton ARN: a ${type} ARN cannot have "/${child}" after its name`,
      );
    }
    parsed = {
      partition,
      region,
      accountId,
      resourceType: childType,
      name,
      ...(isVersion ? { version: child } : { instanceName: child }),
    };
  }
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
      return `${prefix}:service/${arn.name}/${arn.instanceName}`;
    case 'service-template-version':
      return `${prefix}:service-template/${arn.name}/${arn.version}`;
    case 'environment-template-version':
      return `${prefix}:environment-template/${arn.name}/${arn.version}`;
    default:
      return `${prefix}:${arn.resourceType}/${arn.name}`;
  }
}
