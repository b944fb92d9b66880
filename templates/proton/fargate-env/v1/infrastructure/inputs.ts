import * as pulumi from '@pulumi/pulumi';

/** awsx's NAT gateway strategies, as the schema's `natGateways` enum names them. */
export const NAT_GATEWAY_STRATEGIES = ['None', 'Single', 'OnePerAz'] as const;
export type NatGatewayStrategy = (typeof NAT_GATEWAY_STRATEGIES)[number];

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
] as const;

/** Defaults of the optional inputs; they equal the defaults in `schema/schema.yaml` (a test checks it). */
export const DEFAULTS = {
  vpcCidrBlock: '10.0.0.0/16',
  natGateways: 'Single' as NatGatewayStrategy,
  loadBalancer: true,
  logRetentionDays: 30,
};

/** Everything the program needs, read from the stack configuration that `provision.sh` writes. */
export interface EnvironmentInputs {
  environmentName: string;
  templateVersion: string;
  vpcCidrBlock: string;
  natGateways: NatGatewayStrategy;
  loadBalancer: boolean;
  logRetentionDays: number;
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

  return {
    environmentName: config.require('protonEnvironmentName'),
    templateVersion: config.require('templateVersion'),
    vpcCidrBlock,
    natGateways,
    loadBalancer: config.getBoolean('loadBalancer') ?? DEFAULTS.loadBalancer,
    logRetentionDays,
  };
}
