import * as pulumi from '@pulumi/pulumi';
import { taskSizeProblem } from './fargate';
import {
  ContainerSecret,
  ROLE_POLICY_SIZE_LIMIT,
  secretsPolicy,
} from './secrets';

export type { ContainerSecret } from './secrets';

/** Patterns shared with `schema/schema.yaml` (a test checks they are the same). */
export const PATTERNS = {
  image:
    '^[a-z0-9]+([._-]+[a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$',
  path: '^(/|(/[A-Za-z0-9._~-]+)+)$',
  healthCheckPath: '^/[A-Za-z0-9._~/-]*$',
  environmentVariableName: '^[A-Za-z_][A-Za-z0-9_]*$',
  // 1.6. RFC 1123 host names, lowercase (ALB compares host headers without case), with letters only
  // after the last dot, as ALB's host conditions require (Elastic Load Balancing User Guide, "Host
  // conditions"); a condition value is at most 128 characters: the schema's maxLength
  hostName: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{1,63}$',
  // a Secrets Manager secret (its whole value, or one JSON key with `:json-key:version-stage:version-id`)
  // or a Systems Manager parameter, by full ARN (Amazon ECS Developer Guide, "Pass sensitive data to an
  // Amazon ECS container")
  secretValueFrom:
    '^arn:aws(-[a-z]+)*:(secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:\\s]*:[^:\\s]*:[^:\\s]*)?|ssm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+)$',
  // an IAM managed policy, AWS's or the account's, with its path (IAM User Guide, "IAM ARNs")
  policyArn:
    '^arn:aws(-[a-z]+)*:iam::([0-9]{12}|aws):policy(/[A-Za-z0-9+=,.@_-]+)+$',
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
 * earlier versions did. The inputs of 1.6 default to what earlier versions did too: no host names,
 * secrets, task role policies or autoscaling (`autoscalingMaxCount` 0), and the health check values
 * Pulumi's AWS provider sets when none are given (interval 30 s, thresholds 3 and 3);
 * `healthCheckTimeoutSeconds` has no default: unset, the provider sends none and AWS picks it, as
 * before.
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
  hostNames: [] as string[],
  secrets: [] as ContainerSecret[],
  taskRolePolicyArns: [] as string[],
  autoscalingMaxCount: 0,
  autoscalingCpuTarget: 70,
  autoscalingRequestsPerTarget: 0,
  healthCheckIntervalSeconds: 30,
  healthyThresholdCount: 3,
  unhealthyThresholdCount: 3,
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
  /** Host names the listener rule also matches (with the path); empty: any host. */
  hostNames: string[];
  secrets: ContainerSecret[];
  taskRolePolicyArns: string[];
  /** The most tasks autoscaling may run; 0: no autoscaling (desiredCount is the count). */
  autoscalingMaxCount: number;
  /** Average CPU utilisation (percent) autoscaling keeps the tasks at. */
  autoscalingCpuTarget: number;
  /** Requests per task (per minute, from the load balancer) autoscaling keeps to; 0: not used. */
  autoscalingRequestsPerTarget: number;
  healthCheckIntervalSeconds: number;
  /** Unset: AWS's default for the target group. */
  healthCheckTimeoutSeconds?: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
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
  /** The cluster's name (from its ARN for an environment that does not report it). */
  clusterName: string;
  listenerArn: string;
  /**
   * The load balancer's ARN suffix (`app/<name>/<id>`), as CloudWatch names it, taken from the
   * listener's ARN (`…:listener/app/<name>/<id>/<listener id>`), which every environment reports;
   * undefined when that is not an Application Load Balancer listener's ARN.
   */
  loadBalancerArnSuffix?: string;
  loadBalancerDnsName: string;
  loadBalancerSecurityGroupId: string;
  logRetentionDays: number;
  /** The protocol of the listener the rules go on: HTTPS from fargate-env 1.5 with a certificate. */
  listenerProtocol: 'HTTP' | 'HTTPS';
  /** The DNS name that points at the load balancer, when the environment has one (1.5). */
  domainName?: string;
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

function stringList(
  key: string,
  value: unknown,
  pattern: string,
  example: string,
  maxItems: number,
): string[] {
  if (!Array.isArray(value)) fail(key, 'must be a list of strings');
  if (value.length > maxItems) {
    fail(key, `has ${value.length} items; at most ${maxItems} are allowed`);
  }
  const seen = new Set<string>();
  return value.map((entry, index) => {
    if (typeof entry !== 'string') fail(`${key}[${index}]`, 'must be a string');
    matching(`${key}[${index}]`, entry, pattern, example);
    if (seen.has(entry)) fail(`${key}[${index}]`, `repeats ${entry}`);
    seen.add(entry);
    return entry;
  });
}

function secrets(
  value: unknown,
  variables: EnvironmentVariable[],
): ContainerSecret[] {
  if (!Array.isArray(value))
    fail('secrets', 'must be a list of {name, valueFrom}');
  if (value.length > 50) {
    fail('secrets', `has ${value.length} items; at most 50 are allowed`);
  }
  const seen = new Set(variables.map(variable => variable.name));
  const read = value.map((entry, index): ContainerSecret => {
    const at = `secrets[${index}]`;
    if (
      typeof entry?.name !== 'string' ||
      typeof entry?.valueFrom !== 'string'
    ) {
      fail(at, 'must have a string name and a string valueFrom');
    }
    matching(
      `${at}.name`,
      entry.name,
      PATTERNS.environmentVariableName,
      'DATABASE_PASSWORD',
    );
    matching(
      `${at}.valueFrom`,
      entry.valueFrom,
      PATTERNS.secretValueFrom,
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf or arn:aws:ssm:us-east-1:123456789012:parameter/orders/db-password',
    );
    if (entry.valueFrom.length > 2048) {
      fail(
        `${at}.valueFrom`,
        `is ${entry.valueFrom.length} characters; at most 2048 are allowed`,
      );
    }
    if (seen.has(entry.name)) {
      fail(
        at,
        `repeats the name ${entry.name} (of an environment variable or another secret)`,
      );
    }
    seen.add(entry.name);
    return { name: entry.name, valueFrom: entry.valueFrom };
  });
  const size = secretsPolicy(read)?.length ?? 0;
  if (size > ROLE_POLICY_SIZE_LIMIT) {
    fail(
      'secrets',
      `need an execution role policy of ${size} characters to read them, and IAM allows ${ROLE_POLICY_SIZE_LIMIT}: ` +
        'keep several values in one secret and name its JSON keys (:json-key::), or use fewer secrets',
    );
  }
  return read;
}

/** Reads and validates the instance's inputs, failing with a message that names the input. */
export function readServiceInstanceInputs(
  config: pulumi.Config,
): ServiceInstanceInputs {
  const cpu = config.getNumber('cpu') ?? DEFAULTS.cpu;
  const memory = config.getNumber('memory') ?? DEFAULTS.memory;
  const sizeProblem = taskSizeProblem(cpu, memory);
  if (sizeProblem) throw new Error(`Inputs cpu and memory: ${sizeProblem}`);
  // each read names its key, so that `proton-templates validate` can follow which inputs are read
  const number = (
    key: keyof typeof DEFAULTS,
    value: number | undefined,
    min: number,
    max: number,
  ) => integer(key, value ?? (DEFAULTS[key] as number), min, max);
  const variables = environmentVariables(
    config.getObject<unknown>('environmentVariables') ??
      DEFAULTS.environmentVariables,
  );
  const desiredCount = number(
    'desiredCount',
    config.getNumber('desiredCount'),
    1,
    10,
  );
  const autoscalingMaxCount = number(
    'autoscalingMaxCount',
    config.getNumber('autoscalingMaxCount'),
    0,
    100,
  );
  if (autoscalingMaxCount > 0 && autoscalingMaxCount < desiredCount) {
    fail(
      'autoscalingMaxCount',
      `(${autoscalingMaxCount}) is below desiredCount (${desiredCount}), the fewest tasks autoscaling keeps: make it at least ${desiredCount}, or 0 for no autoscaling`,
    );
  }
  const healthCheckIntervalSeconds = number(
    'healthCheckIntervalSeconds',
    config.getNumber('healthCheckIntervalSeconds'),
    5,
    300,
  );
  const timeout = config.getNumber('healthCheckTimeoutSeconds');
  const healthCheckTimeoutSeconds =
    timeout === undefined
      ? undefined
      : integer('healthCheckTimeoutSeconds', timeout, 2, 120);
  // CreateTargetGroup refuses a timeout that is not shorter than the interval
  if (
    healthCheckTimeoutSeconds !== undefined &&
    healthCheckTimeoutSeconds >= healthCheckIntervalSeconds
  ) {
    fail(
      'healthCheckTimeoutSeconds',
      `(${healthCheckTimeoutSeconds}) must be shorter than healthCheckIntervalSeconds (${healthCheckIntervalSeconds})`,
    );
  }
  const hostNames = stringList(
    'hostNames',
    config.getObject<unknown>('hostNames') ?? DEFAULTS.hostNames,
    PATTERNS.hostName,
    'orders.example.com',
    3,
  );
  for (const [index, host] of hostNames.entries()) {
    if (host.length > 128) {
      fail(
        `hostNames[${index}]`,
        `is ${host.length} characters; a load balancer rule takes at most 128`,
      );
    }
  }
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
    desiredCount,
    path: matching('path', config.require('path'), PATTERNS.path, '/orders'),
    healthCheckPath: matching(
      'healthCheckPath',
      config.get('healthCheckPath') ?? DEFAULTS.healthCheckPath,
      PATTERNS.healthCheckPath,
      '/health',
    ),
    environmentVariables: variables,
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
    hostNames,
    secrets: secrets(
      config.getObject<unknown>('secrets') ?? DEFAULTS.secrets,
      variables,
    ),
    // IAM's default quota of managed policies per role is 10 (IAM User Guide, "IAM and AWS STS quotas")
    taskRolePolicyArns: stringList(
      'taskRolePolicyArns',
      config.getObject<unknown>('taskRolePolicyArns') ??
        DEFAULTS.taskRolePolicyArns,
      PATTERNS.policyArn,
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      10,
    ),
    autoscalingMaxCount,
    autoscalingCpuTarget: number(
      'autoscalingCpuTarget',
      config.getNumber('autoscalingCpuTarget'),
      10,
      90,
    ),
    autoscalingRequestsPerTarget: number(
      'autoscalingRequestsPerTarget',
      config.getNumber('autoscalingRequestsPerTarget'),
      0,
      1000000,
    ),
    healthCheckIntervalSeconds,
    healthCheckTimeoutSeconds,
    healthyThresholdCount: number(
      'healthyThresholdCount',
      config.getNumber('healthyThresholdCount'),
      2,
      10,
    ),
    unhealthyThresholdCount: number(
      'unhealthyThresholdCount',
      config.getNumber('unhealthyThresholdCount'),
      2,
      10,
    ),
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
  const listenerProtocol = outputs?.listenerProtocol ?? 'HTTP';
  if (listenerProtocol !== 'HTTP' && listenerProtocol !== 'HTTPS') {
    throw new Error(
      `Environment ${environment} output listenerProtocol must be HTTP or HTTPS, got ${JSON.stringify(
        listenerProtocol,
      )}`,
    );
  }
  const clusterArn = text('clusterArn');
  const listenerArn = text('listenerArn');
  return {
    vpcId: text('vpcId'),
    privateSubnetIds: privateSubnetIds as string[],
    clusterArn,
    clusterName:
      typeof outputs?.clusterName === 'string' && outputs.clusterName
        ? outputs.clusterName
        : clusterArn.slice(clusterArn.lastIndexOf('/') + 1),
    listenerArn,
    loadBalancerArnSuffix: /:listener\/(app\/[^/]+\/[^/]+)\/[^/]+$/.exec(
      listenerArn,
    )?.[1],
    listenerProtocol,
    domainName:
      typeof outputs?.domainName === 'string' && outputs.domainName
        ? outputs.domainName
        : undefined,
    loadBalancerDnsName: text('loadBalancerDnsName'),
    loadBalancerSecurityGroupId: text('loadBalancerSecurityGroupId'),
    logRetentionDays,
  };
}
