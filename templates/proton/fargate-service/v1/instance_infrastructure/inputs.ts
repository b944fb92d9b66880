import * as pulumi from '@pulumi/pulumi';
import { taskSizeProblem } from './fargate';

/** Patterns shared with `schema/schema.yaml` (a test checks they are the same). */
export const PATTERNS = {
  image:
    '^[a-z0-9]+([._-]+[a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$',
  path: '^(/|(/[A-Za-z0-9._~-]+)+)$',
  healthCheckPath: '^/[A-Za-z0-9._~/-]*$',
  environmentVariableName: '^[A-Za-z_][A-Za-z0-9_]*$',
};

/** An environment variable of the container. */
export interface EnvironmentVariable {
  name: string;
  value: string;
}

/**
 * Defaults of the optional inputs; they equal the defaults in `schema/schema.yaml` (a test checks it).
 * `healthCheckGracePeriodSeconds` came with 1.1: its default, 0, is what 1.0 did (ECS's default).
 * `stripPathPrefix` and `environmentHasVpcEndpoints` came with 1.5: their default, false, is what
 * earlier versions did.
 */
export const DEFAULTS = {
  image: 'public.ecr.aws/nginx/nginx:1.27',
  port: 80,
  cpu: 256,
  memory: 512,
  desiredCount: 1,
  healthCheckPath: '/',
  environmentVariables: [] as EnvironmentVariable[],
  healthCheckGracePeriodSeconds: 0,
  stripPathPrefix: false,
  environmentHasVpcEndpoints: false,
};

/**
 * The placeholder image's repository (the default image's): stock nginx, which serves only `/`, so
 * that its instances always have their path prefix stripped (a prefix it cannot serve would answer
 * 404 at the service's URL).
 */
export const PLACEHOLDER_IMAGE_REPOSITORY = 'public.ecr.aws/nginx/nginx';

export interface ServiceInstanceInputs {
  image: string;
  port: number;
  cpu: number;
  memory: number;
  desiredCount: number;
  path: string;
  healthCheckPath: string;
  environmentVariables: EnvironmentVariable[];
  healthCheckGracePeriodSeconds: number;
  stripPathPrefix: boolean;
  environmentHasVpcEndpoints: boolean;
}

/**
 * Whether the load balancer strips the instance's path prefix: when asked to, and always for the
 * placeholder image (any tag or digest of {@link PLACEHOLDER_IMAGE_REPOSITORY}); never for `/`.
 */
export function stripsPathPrefix(inputs: ServiceInstanceInputs): boolean {
  if (inputs.path === '/') return false;
  const repository = inputs.image.replace(/@sha256:[a-f0-9]{64}$/, '');
  const placeholder =
    repository === PLACEHOLDER_IMAGE_REPOSITORY ||
    repository.startsWith(`${PLACEHOLDER_IMAGE_REPOSITORY}:`);
  return inputs.stripPathPrefix || placeholder;
}

/** The outputs of the fargate-env environment this instance deploys into, decoded. */
export interface EnvironmentOutputs {
  vpcId: string;
  privateSubnetIds: string[];
  clusterArn: string;
  listenerArn: string;
  loadBalancerDnsName: string;
  loadBalancerSecurityGroupId: string;
  logRetentionDays: number;
}

/** Names from proton-inputs.json: who this instance is and where it runs. */
export interface ProtonNames {
  environment: string;
  accountId: string;
  service: string;
  instance: string;
  templateVersion: string;
}

function fail(key: string, problem: string): never {
  throw new Error(`Input ${key} ${problem}`);
}

function integer(key: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(key, `(${value}) must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function matching(
  key: string,
  value: string,
  pattern: string,
  example: string,
): string {
  if (!new RegExp(pattern).test(value)) {
    fail(
      key,
      `(${JSON.stringify(
        value,
      )}) is not valid: expected something like ${example}`,
    );
  }
  return value;
}

function environmentVariables(value: unknown): EnvironmentVariable[] {
  if (!Array.isArray(value))
    fail('environmentVariables', 'must be a list of {name, value}');
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const at = `environmentVariables[${index}]`;
    if (typeof entry?.name !== 'string' || typeof entry?.value !== 'string') {
      fail(at, 'must have a string name and a string value');
    }
    matching(
      `${at}.name`,
      entry.name,
      PATTERNS.environmentVariableName,
      'LOG_LEVEL',
    );
    if (seen.has(entry.name)) fail(at, `repeats the name ${entry.name}`);
    seen.add(entry.name);
    return { name: entry.name, value: entry.value };
  });
}

/** Reads and validates the instance's inputs, failing with a message that names the input. */
export function readServiceInstanceInputs(
  config: pulumi.Config,
): ServiceInstanceInputs {
  const cpu = config.getNumber('cpu') ?? DEFAULTS.cpu;
  const memory = config.getNumber('memory') ?? DEFAULTS.memory;
  const sizeProblem = taskSizeProblem(cpu, memory);
  if (sizeProblem) throw new Error(`Inputs cpu and memory: ${sizeProblem}`);
  return {
    image: matching(
      'image',
      config.get('image') ?? DEFAULTS.image,
      PATTERNS.image,
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3',
    ),
    port: integer('port', config.getNumber('port') ?? DEFAULTS.port, 1, 65535),
    cpu,
    memory,
    desiredCount: integer(
      'desiredCount',
      config.getNumber('desiredCount') ?? DEFAULTS.desiredCount,
      1,
      10,
    ),
    path: matching('path', config.require('path'), PATTERNS.path, '/orders'),
    healthCheckPath: matching(
      'healthCheckPath',
      config.get('healthCheckPath') ?? DEFAULTS.healthCheckPath,
      PATTERNS.healthCheckPath,
      '/health',
    ),
    environmentVariables: environmentVariables(
      config.getObject<unknown>('environmentVariables') ??
        DEFAULTS.environmentVariables,
    ),
    healthCheckGracePeriodSeconds: integer(
      'healthCheckGracePeriodSeconds',
      config.getNumber('healthCheckGracePeriodSeconds') ??
        DEFAULTS.healthCheckGracePeriodSeconds,
      0,
      1800,
    ),
    stripPathPrefix:
      config.getBoolean('stripPathPrefix') ?? DEFAULTS.stripPathPrefix,
    environmentHasVpcEndpoints:
      config.getBoolean('environmentHasVpcEndpoints') ??
      DEFAULTS.environmentHasVpcEndpoints,
  };
}

/** Reads who this instance is from the configuration provision.sh writes from proton-inputs.json. */
export function readProtonNames(config: pulumi.Config): ProtonNames {
  return {
    environment: config.require('protonEnvironmentName'),
    accountId: config.require('protonEnvironmentAccountId'),
    service: config.require('protonServiceName'),
    instance: config.require('protonServiceInstanceName'),
    templateVersion: config.require('templateVersion'),
  };
}

/**
 * Decodes the environment's outputs (Proton passes them as strings). Fails with a clear message when
 * the environment has no load balancer, is not a fargate-env environment, or says it has no NAT
 * gateways (unless `hasVpcEndpoints`, the instance's `environmentHasVpcEndpoints`).
 */
export function readEnvironmentOutputs(
  config: pulumi.Config,
  environment: string,
  options: { hasVpcEndpoints?: boolean } = {},
): EnvironmentOutputs {
  const outputs =
    config.requireObject<Record<string, unknown>>('environmentOutputs');
  const text = (key: string): string => {
    const value = outputs?.[key];
    if (typeof value !== 'string') {
      throw new Error(
        `Environment ${environment} has no output ${key}: deploy this service into an environment made from the fargate-env template`,
      );
    }
    return value;
  };
  // fargate-env leaves all of the load balancer's outputs out when it has none (earlier versions sent
  // them empty); only some of them missing is an environment of another template
  const loadBalancerOutputs = [
    'loadBalancerArn',
    'loadBalancerDnsName',
    'listenerArn',
    'loadBalancerSecurityGroupId',
  ];
  if (loadBalancerOutputs.every(key => !outputs?.[key])) {
    throw new Error(
      `Environment ${environment} has no load balancer (it was deployed with loadBalancer: false), ` +
        'and fargate-service routes traffic through it: deploy this service into an environment with ' +
        'loadBalancer: true, or update the environment to enable it',
    );
  }
  // fargate-env reports its NAT strategy from 1.4 on; without one (None), the private subnets the
  // tasks run in have no route out, unless the VPC has endpoints for what the tasks reach
  if (outputs?.natGateways === 'None' && !options.hasVpcEndpoints) {
    throw new Error(
      `Environment ${environment} has no NAT gateway (natGateways: None), and fargate-service runs its ` +
        'tasks in the private subnets, which then have no route out: without VPC endpoints they cannot ' +
        'pull their image or send their logs. Update the environment to natGateways Single or OnePerAz, ' +
        'deploy this service into another environment, or, if the VPC has the endpoints the tasks need ' +
        '(ECR api and dkr, S3, CloudWatch Logs), set environmentHasVpcEndpoints',
    );
  }
  let privateSubnetIds: unknown;
  try {
    privateSubnetIds = JSON.parse(text('privateSubnetIds'));
  } catch {
    privateSubnetIds = undefined;
  }
  if (
    !Array.isArray(privateSubnetIds) ||
    privateSubnetIds.length === 0 ||
    privateSubnetIds.some(id => typeof id !== 'string')
  ) {
    throw new Error(
      `Environment ${environment} output privateSubnetIds must be a JSON list of subnet ids, got ${JSON.stringify(
        text('privateSubnetIds'),
      )}`,
    );
  }
  const logRetentionDays = Number(text('logRetentionDays'));
  if (!Number.isInteger(logRetentionDays) || logRetentionDays <= 0) {
    throw new Error(
      `Environment ${environment} output logRetentionDays must be a number of days, got ${JSON.stringify(
        text('logRetentionDays'),
      )}`,
    );
  }
  return {
    vpcId: text('vpcId'),
    privateSubnetIds: privateSubnetIds as string[],
    clusterArn: text('clusterArn'),
    listenerArn: text('listenerArn'),
    loadBalancerDnsName: text('loadBalancerDnsName'),
    loadBalancerSecurityGroupId: text('loadBalancerSecurityGroupId'),
    logRetentionDays,
  };
}
