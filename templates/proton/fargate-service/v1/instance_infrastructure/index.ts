import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  readEnvironmentOutputs,
  readProtonNames,
  readServiceInstanceInputs,
  stripsPathPrefix,
} from './inputs';
import { secretsPolicy } from './secrets';
import {
  AWS_NAMES,
  awsName,
  nameUnlessPulumiFits,
  pulumiNameFits,
} from './naming';
import {
  chooseRulePriority,
  fnv1a,
  pathPatterns,
  readListenerRules,
  ruleTags,
  stripPrefixTransform,
} from './routing';

// Inputs: the instance's spec, its names and its environment's outputs, from proton-inputs.json
// (provision.sh writes them to the stack configuration).
const config = new pulumi.Config();
const proton = readProtonNames(config);
const inputs = readServiceInstanceInputs(config);
const environment = readEnvironmentOutputs(config, proton.environment, {
  hasVpcEndpoints: inputs.environmentHasVpcEndpoints,
});

// checked before any resource is registered, so that nothing is half-made
if (
  inputs.autoscalingRequestsPerTarget > 0 &&
  !environment.loadBalancerArnSuffix
) {
  throw new Error(
    `Input autoscalingRequestsPerTarget needs the load balancer's ARN, and environment ${proton.environment} ` +
      `reports a listener ARN that is not an Application Load Balancer listener's (${environment.listenerArn}): ` +
      'set autoscalingRequestsPerTarget to 0 to scale on CPU only',
  );
}

const name = `${proton.service}-${proton.instance}`;
const containerName = 'app';
const tags = {
  'proton:environment': proton.environment,
  'proton:service': proton.service,
  'proton:service-instance': proton.instance,
  'proton:template': 'fargate-service',
  'proton:template-version': proton.templateVersion,
};

// Named (its name is its ID), so that its logs are easy to find. One an interrupted run created
// without recording it is deleted by provision.sh before this creates it again.
const logGroupId = `/proton/${proton.environment}/${proton.service}/${proton.instance}`;
const logGroup = new aws.cloudwatch.LogGroup(name, {
  name: logGroupId,
  retentionInDays: environment.logRetentionDays,
  tags,
});

// IAM names are global to the account: where Pulumi's own name does not fit, the role's name is hashed
// with the account and region too, so that the instance deployed in another region gets another one.
const region = aws.getRegionOutput().region;
const roleName = (suffix: string) =>
  pulumiNameFits(`${name}-${suffix}`, AWS_NAMES.iamRole)
    ? undefined
    : region.apply(r =>
        awsName([proton.service, proton.instance, suffix], AWS_NAMES.iamRole, [
          proton.accountId,
          r,
        ]),
      );

// ECS may assume the roles only for tasks of this account.
const assumeRolePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': proton.accountId } },
    },
  ],
});
const executionRole = new aws.iam.Role(`${name}-execution`, {
  name: roleName('execution'),
  description: `Pulls the image and writes the logs of ${name} (Proton environment ${proton.environment})`,
  assumeRolePolicy,
  tags,
});
new aws.iam.RolePolicyAttachment(`${name}-execution`, {
  role: executionRole.name,
  policyArn: aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy,
});
// ECS reads the container's secrets with the execution role: it may read those and no others
// (secrets.ts). A secret encrypted with a customer managed KMS key also needs kms:Decrypt, which the
// key's policy grants (outside this template).
const readSecrets = secretsPolicy(inputs.secrets);
const secretsAccess = readSecrets
  ? new aws.iam.RolePolicy(`${name}-secrets`, {
      role: executionRole.name,
      name: 'read-container-secrets',
      policy: readSecrets,
    })
  : undefined;
// The application's own role: the managed policies the instance names, none by default.
const taskRole = new aws.iam.Role(`${name}-task`, {
  name: roleName('task'),
  description: `Role of the application containers of ${name}`,
  assumeRolePolicy,
  tags,
});
// named after the policy (a hash of its ARN), so that reordering the list changes nothing
const taskPolicies = inputs.taskRolePolicyArns.map(
  policyArn =>
    new aws.iam.RolePolicyAttachment(
      `${name}-task-${fnv1a(policyArn).toString(16).padStart(8, '0')}`,
      { role: taskRole.name, policyArn },
    ),
);

// Tasks accept traffic only from the environment's load balancer, on the container port.
const securityGroup = new aws.ec2.SecurityGroup(name, {
  vpcId: environment.vpcId,
  description: `Tasks of ${name}: port ${inputs.port} from the load balancer only`,
  ingress: [
    {
      description: 'From the environment load balancer',
      protocol: 'tcp',
      fromPort: inputs.port,
      toPort: inputs.port,
      securityGroups: [environment.loadBalancerSecurityGroupId],
    },
  ],
  egress: [
    {
      description: 'Image pulls and outbound calls',
      protocol: '-1',
      fromPort: 0,
      toPort: 0,
      cidrBlocks: ['0.0.0.0/0'],
    },
  ],
  tags,
});

// A new port replaces the target group: a name of our own then changes with it (the hash covers the
// port), so that the new one can be created before the old one goes.
const targetGroup = new aws.lb.TargetGroup(name, {
  name: nameUnlessPulumiFits(
    name,
    [proton.service, proton.instance],
    AWS_NAMES.targetGroup,
    [String(inputs.port)],
  ),
  vpcId: environment.vpcId,
  targetType: 'ip',
  protocol: 'HTTP',
  port: inputs.port,
  deregistrationDelay: 30,
  healthCheck: {
    path: inputs.healthCheckPath,
    port: 'traffic-port',
    matcher: '200-399',
    interval: inputs.healthCheckIntervalSeconds,
    // unset: none is sent and AWS keeps its default, as before 1.6
    timeout: inputs.healthCheckTimeoutSeconds,
    healthyThreshold: inputs.healthyThresholdCount,
    unhealthyThreshold: inputs.unhealthyThresholdCount,
  },
  tags,
});

// The rules on the shared listener as AWS has them (prepare.sh reads them before each deployment), to
// pick a priority no other rule holds and refuse a path another rule routes or would shadow
// (routing.ts).
const priority = chooseRulePriority({
  service: proton.service,
  instance: proton.instance,
  path: inputs.path,
  hosts: inputs.hostNames,
  rules: readListenerRules(config.getObject<unknown>('listenerRules')),
  ownArn: config.get('ownListenerRuleArn'),
});
const listenerRule = new aws.lb.ListenerRule(name, {
  listenerArn: environment.listenerArn,
  priority,
  // ALB allows 5 condition values per rule: 2 path patterns and at most 3 host names (the schema's)
  conditions: [
    { pathPattern: { values: pathPatterns(inputs.path) } },
    ...(inputs.hostNames.length > 0
      ? [{ hostHeader: { values: inputs.hostNames } }]
      : []),
  ],
  actions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
  // the application (or the placeholder image) serves from /: the prefix is taken off on the way
  transforms: stripsPathPrefix(inputs)
    ? [stripPrefixTransform(inputs.path)]
    : undefined,
  tags: {
    ...tags,
    ...ruleTags({
      service: proton.service,
      instance: proton.instance,
      path: inputs.path,
    }),
  },
});

// Earlier revisions stay registered (skipDestroy): the deployment circuit breaker rolls a failed
// rollout back to the previous revision, which must still exist.
const taskDefinition = new aws.ecs.TaskDefinition(
  name,
  {
    skipDestroy: true,
    family: awsName(
      [proton.environment, proton.service, proton.instance],
      AWS_NAMES.ecs,
    ),
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: String(inputs.cpu),
    memory: String(inputs.memory),
    runtimePlatform: {
      operatingSystemFamily: 'LINUX',
      cpuArchitecture: 'X86_64',
    },
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    containerDefinitions: pulumi.jsonStringify([
      {
        name: containerName,
        image: inputs.image,
        essential: true,
        portMappings: [{ containerPort: inputs.port, protocol: 'tcp' }],
        environment: inputs.environmentVariables,
        secrets: inputs.secrets.length > 0 ? inputs.secrets : undefined,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': logGroup.name,
            'awslogs-region': region,
            'awslogs-stream-prefix': containerName,
          },
        },
      },
    ]),
    tags,
  },
  // the tasks of a new revision start only once their roles may do what they need: read the secrets
  // (or they fail to start) and use the task role's policies
  { dependsOn: [...(secretsAccess ? [secretsAccess] : []), ...taskPolicies] },
);

const service = new aws.ecs.Service(
  name,
  {
    cluster: environment.clusterArn,
    launchType: 'FARGATE',
    taskDefinition: taskDefinition.arn,
    desiredCount: inputs.desiredCount,
    networkConfiguration: {
      subnets: environment.privateSubnetIds,
      securityGroups: [securityGroup.id],
      assignPublicIp: false,
    },
    loadBalancers: [
      {
        targetGroupArn: targetGroup.arn,
        containerName,
        containerPort: inputs.port,
      },
    ],
    healthCheckGracePeriodSeconds: inputs.healthCheckGracePeriodSeconds,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    propagateTags: 'SERVICE',
    waitForSteadyState: true,
    tags,
  },
  {
    // ECS accepts a target group only once a listener rule sends traffic to it.
    dependsOn: [listenerRule],
    // with autoscaling, Application Auto Scaling sets the count: a deployment must not reset it
    ignoreChanges: inputs.autoscalingMaxCount > 0 ? ['desiredCount'] : [],
  },
);

// Autoscaling between desiredCount and autoscalingMaxCount tasks, on target tracking: average CPU,
// and requests per task when asked (Application Auto Scaling User Guide, "Target tracking scaling
// policies"; ALBRequestCountPerTarget names the load balancer and target group by their ARN suffixes).
if (inputs.autoscalingMaxCount > 0) {
  const target = new aws.appautoscaling.Target(name, {
    serviceNamespace: 'ecs',
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: pulumi.interpolate`service/${environment.clusterName}/${service.name}`,
    minCapacity: inputs.desiredCount,
    maxCapacity: inputs.autoscalingMaxCount,
    tags,
  });
  const policy = (
    suffix: string,
    targetValue: number,
    metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
  ) =>
    new aws.appautoscaling.Policy(`${name}-${suffix}`, {
      name: `${suffix}-target-tracking`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue,
        predefinedMetricSpecification: metric,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
  policy('cpu', inputs.autoscalingCpuTarget, {
    predefinedMetricType: 'ECSServiceAverageCPUUtilization',
  });
  if (inputs.autoscalingRequestsPerTarget > 0) {
    policy('requests', inputs.autoscalingRequestsPerTarget, {
      predefinedMetricType: 'ALBRequestCountPerTarget',
      resourceLabel: pulumi.interpolate`${environment.loadBalancerArnSuffix}/${targetGroup.arnSuffix}`,
    });
  }
}

// Proton outputs, all strings. The URL's host: the instance's first host name, else the environment's
// domain name, else the load balancer's own DNS name.
const host =
  inputs.hostNames[0] ??
  environment.domainName ??
  environment.loadBalancerDnsName;
export const serviceUrl = `${environment.listenerProtocol.toLowerCase()}://${host}${
  inputs.path
}`;
export const ecsServiceName = service.name;
// With ecsServiceName and taskDefinitionArn, provision.sh checks that the rollout was not rolled back.
export const ecsClusterArn = environment.clusterArn;
export const taskDefinitionArn = taskDefinition.arn;
export const targetGroupArn = targetGroup.arn;
export const logGroupName = logGroup.name;
// for what developers grant or allow outside the template (1.6): bucket policies, database ingress
export const taskRoleArn = taskRole.arn;
export const securityGroupId = securityGroup.id;
