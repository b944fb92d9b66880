import * as pulumi from '@pulumi/pulumi';

/** awsx's NAT gateway strategies, as the schema's `natGateways` enum names them. */
export const NAT_GATEWAY_STRATEGIES = ['None', 'Single', 'OnePerAz'] as const;
export type NatGatewayStrategy = (typeof NAT_GATEWAY_STRATEGIES)[number];

/**
 * Container Insights for the cluster (ECS cluster setting `containerInsights`): `default` sets nothing,
 * so the account's default applies (what earlier versions did; once set, a cluster keeps its setting
 * until it is set again); the others set it: `enhanced` is Container Insights with enhanced
 * observability.
 */
export const CONTAINER_INSIGHTS = [
  'default',
  'enabled',
  'enhanced',
  'disabled',
] as const;
export type ContainerInsights = (typeof CONTAINER_INSIGHTS)[number];

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Defaults of the optional inputs; they equal the defaults in `schema/schema.yaml` (a test checks it).
 * `containerInsights` came with 1.5: its default, `default`, leaves the cluster's setting to the
 * account's default, as earlier versions did.
 */
export const DEFAULTS = {
  vpcCidrBlock: '10.0.0.0/16',
  natGateways: 'Single' as NatGatewayStrategy,
  loadBalancer: true,
  logRetentionDays: 30,
  containerInsights: 'default' as ContainerInsights,
};

/**
 * Patterns of the optional inputs without a default (1.5), shared with `schema/schema.yaml` (a test
 * checks they are the same). Sources: the ARN formats of ACM ("Certificate ARN"), AWS WAF
 * ("WebACL ARN", regional scope, which load balancers take), the S3 bucket naming rules (general
 * purpose buckets) and RFC 1123 host names (lowercase, as ALB compares host headers).
 */
export const PATTERNS = {
  httpsCertificateArn:
    '^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:certificate/[A-Za-z0-9-]{1,64}$',
  domainName:
    '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$',
  accessLogsBucket: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
  webAclArn:
    '^arn:aws(-[a-z]+)*:wafv2:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[a-f0-9-]{36}$',
};

/** Everything the program needs, read from the stack configuration that `provision.sh` writes. */
export interface EnvironmentInputs {
  environmentName: string;
  templateVersion: string;
  vpcCidrBlock: string;
  natGateways: NatGatewayStrategy;
  loadBalancer: boolean;
  logRetentionDays: number;
  containerInsights: ContainerInsights;
  /** ACM certificate of the HTTPS listener; with it, HTTP redirects to HTTPS. */
  httpsCertificateArn?: string;
  /** The DNS name that points at the load balancer, for the services' URLs. */
  domainName?: string;
  /** S3 bucket the load balancer writes its access logs to. */
  accessLogsBucket?: string;
  /** AWS WAF web ACL (regional) the load balancer is associated with. */
  webAclArn?: string;
}

const OCTET = '(0|[1-9]\\d{0,2})';
const CIDR = new RegExp(
  `^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(\\d{1,2})$`,
);

/**
 * Checks an IPv4 CIDR block: four octets 0-255 without leading zeros, a prefix from /16 to /24, and no host bits set
 * (`10.0.0.1/16` names an address, not a network). Returns the problem, or undefined when valid.
 */
export function cidrBlockProblem(value: string): string | undefined {
  const match = CIDR.exec(value);
  if (!match) return 'must be an IPv4 CIDR block such as 10.0.0.0/16';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some(octet => octet > 255)) return 'has an octet above 255';
  if (prefix < 16 || prefix > 24) {
    return `has prefix /${prefix}; a VPC here must be /16 to /24`;
  }
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) {
    const network = address - (address % hostBits);
    const text = [24, 16, 8, 0]
      .map(shift => Math.floor(network / 2 ** shift) % 256)
      .join('.');
    return `has host bits set; did you mean ${text}/${prefix}?`;
  }
  return undefined;
}

function fail(key: string, problem: string): never {
  throw new Error(`Input ${key} ${problem}`);
}

/**
 * An optional string input: absent or empty is undefined; otherwise it must match its pattern. The
 * caller reads it with its key written out, so that `proton-templates validate` follows the read.
 */
function optional(
  key: keyof typeof PATTERNS,
  value: string | undefined,
  expected: string,
): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!new RegExp(PATTERNS[key]).test(value)) {
    fail(key, `(${JSON.stringify(value)}) must be ${expected}`);
  }
  return value;
}

/** Reads and validates the environment's inputs, failing with a message that names the input. */
export function readEnvironmentInputs(
  config: pulumi.Config,
): EnvironmentInputs {
  const vpcCidrBlock = config.get('vpcCidrBlock') ?? DEFAULTS.vpcCidrBlock;
  const cidrProblem = cidrBlockProblem(vpcCidrBlock);
  if (cidrProblem) fail('vpcCidrBlock', `("${vpcCidrBlock}") ${cidrProblem}`);

  const natGateways = (config.get('natGateways') ??
    DEFAULTS.natGateways) as NatGatewayStrategy;
  if (!NAT_GATEWAY_STRATEGIES.includes(natGateways)) {
    fail(
      'natGateways',
      `("${natGateways}") must be one of ${NAT_GATEWAY_STRATEGIES.join(', ')}`,
    );
  }

  const logRetentionDays =
    config.getNumber('logRetentionDays') ?? DEFAULTS.logRetentionDays;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    fail(
      'logRetentionDays',
      `(${logRetentionDays}) must be one of CloudWatch's periods: ${LOG_RETENTION_DAYS.join(
        ', ',
      )}`,
    );
  }

  const containerInsights = (config.get('containerInsights') ??
    DEFAULTS.containerInsights) as ContainerInsights;
  if (!CONTAINER_INSIGHTS.includes(containerInsights)) {
    fail(
      'containerInsights',
      `("${containerInsights}") must be one of ${CONTAINER_INSIGHTS.join(
        ', ',
      )}`,
    );
  }
  const loadBalancer =
    config.getBoolean('loadBalancer') ?? DEFAULTS.loadBalancer;
  const httpsCertificateArn = optional(
    'httpsCertificateArn',
    config.get('httpsCertificateArn'),
    'the ARN of an ACM certificate, such as arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-…',
  );
  const domainName = optional(
    'domainName',
    config.get('domainName'),
    'a lowercase DNS name such as apps.example.com',
  );
  if (domainName && domainName.length > 253) {
    fail(
      'domainName',
      `is ${domainName.length} characters; a DNS name has at most 253`,
    );
  }
  const accessLogsBucket = optional(
    'accessLogsBucket',
    config.get('accessLogsBucket'),
    'the name of an S3 bucket: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
  );
  const webAclArn = optional(
    'webAclArn',
    config.get('webAclArn'),
    'the ARN of a regional AWS WAF web ACL, such as arn:aws:wafv2:us-east-1:123456789012:regional/webacl/apps/<id>',
  );
  // what configures the load balancer cannot be asked of an environment without one
  if (!loadBalancer) {
    const given = Object.entries({
      httpsCertificateArn,
      domainName,
      accessLogsBucket,
      webAclArn,
    })
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    if (given.length > 0) {
      fail(
        given.join(', '),
        `configure${
          given.length > 1 ? '' : 's'
        } the load balancer, and loadBalancer is false: enable the load balancer or leave ${
          given.length > 1 ? 'them' : 'it'
        } out`,
      );
    }
  }
  // the load balancer's own DNS name is AWS's, which no certificate of the account can cover
  if (httpsCertificateArn && !domainName) {
    fail(
      'domainName',
      "is required with httpsCertificateArn: services are reached over HTTPS at a name the certificate covers, never at the load balancer's own DNS name",
    );
  }

  return {
    environmentName: config.require('protonEnvironmentName'),
    templateVersion: config.require('templateVersion'),
    vpcCidrBlock,
    natGateways,
    loadBalancer,
    logRetentionDays,
    containerInsights,
    httpsCertificateArn,
    domainName,
    accessLogsBucket,
    webAclArn,
  };
}
