import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ENVIRONMENT_OUTPUTS,
  healthCheckTimings,
  serviceInstanceInputs,
} from './fixtures';
import {
  ofType,
  ProgramRun,
  protonConfig,
  protonOutputs,
  runProgram,
  single,
} from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

const SECRET =
  'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders/db-AbCdEf';
const PARAMETER = 'arn:aws:ssm:us-east-1:111111111111:parameter/orders/api-key';
const POLICIES = [
  'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  'arn:aws:iam::111111111111:policy/teams/orders-queue',
];

describe('fargate-service with its production options (1.6), in an HTTPS environment', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: protonConfig(
        serviceInstanceInputs(
          {
            image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2',
            path: '/orders',
            desiredCount: 2,
            hostNames: ['orders.example.com', 'orders.example.org'],
            environmentVariables: [{ name: 'LOG_LEVEL', value: 'info' }],
            secrets: [
              { name: 'DB_PASSWORD', valueFrom: `${SECRET}:password::` },
              { name: 'DB_USER', valueFrom: `${SECRET}:user::` },
              { name: 'API_KEY', valueFrom: PARAMETER },
            ],
            taskRolePolicyArns: POLICIES,
            autoscalingMaxCount: 8,
            autoscalingCpuTarget: 60,
            autoscalingRequestsPerTarget: 1000,
            healthCheckIntervalSeconds: 10,
            healthCheckTimeoutSeconds: 4,
            healthyThresholdCount: 2,
            unhealthyThresholdCount: 4,
          },
          {
            ...ENVIRONMENT_OUTPUTS,
            listenerProtocol: 'HTTPS',
            domainName: 'apps.example.com',
          },
        ),
      ),
      stack: 'orders.staging',
      state: serviceState,
      call: serviceCalls(),
    });
  });

  it('routes its path on its host names only', () => {
    const rule = single(run, 'aws:lb/listenerRule:ListenerRule');
    assert.deepEqual(rule.inputs.conditions, [
      { pathPattern: { values: ['/orders', '/orders/*'] } },
      { hostHeader: { values: ['orders.example.com', 'orders.example.org'] } },
    ]);
    // ALB: at most 5 condition values per rule
    const values = rule.inputs.conditions.flatMap((condition: any) =>
      Object.values(condition).flatMap((c: any) => c.values),
    );
    assert.ok(values.length <= 5, `${values.length} condition values`);
  });

  it('passes the secrets to the container by ARN, and lets the execution role read those and no others', () => {
    const [container] = JSON.parse(
      single(run, 'aws:ecs/taskDefinition:TaskDefinition').inputs
        .containerDefinitions,
    );
    assert.deepEqual(container.secrets, [
      { name: 'DB_PASSWORD', valueFrom: `${SECRET}:password::` },
      { name: 'DB_USER', valueFrom: `${SECRET}:user::` },
      { name: 'API_KEY', valueFrom: PARAMETER },
    ]);
    assert.deepEqual(container.environment, [
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
    const policy = single(run, 'aws:iam/rolePolicy:RolePolicy');
    assert.equal(policy.inputs.role, 'orders-staging-execution');
    assert.deepEqual(JSON.parse(policy.inputs.policy).Statement, [
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        // the secret itself (the JSON key taken off), and its partial-ARN form
        Resource: [SECRET, `${SECRET}-??????`],
      },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [PARAMETER] },
    ]);
  });

  it('attaches the managed policies to the task role, one attachment per policy whatever their order', () => {
    const attachments = ofType(
      run,
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    ).filter(attachment => attachment.inputs.role === 'orders-staging-task');
    assert.deepEqual(
      attachments.map(attachment => attachment.inputs.policyArn),
      POLICIES,
    );
    assert.equal(
      new Set(attachments.map(attachment => attachment.name)).size,
      2,
    );
  });

  it('scales between desiredCount and autoscalingMaxCount on CPU and requests per task', () => {
    const target = single(run, 'aws:appautoscaling/target:Target');
    assert.equal(
      target.inputs.resourceId,
      'service/staging-cluster/orders-staging-svc',
    );
    assert.equal(target.inputs.scalableDimension, 'ecs:service:DesiredCount');
    assert.equal(target.inputs.minCapacity, 2);
    assert.equal(target.inputs.maxCapacity, 8);
    const policies = ofType(run, 'aws:appautoscaling/policy:Policy').map(
      policy => policy.inputs.targetTrackingScalingPolicyConfiguration,
    );
    assert.deepEqual(
      policies.map(policy => [
        policy.targetValue,
        policy.predefinedMetricSpecification,
      ]),
      [
        [60, { predefinedMetricType: 'ECSServiceAverageCPUUtilization' }],
        [
          1000,
          {
            predefinedMetricType: 'ALBRequestCountPerTarget',
            resourceLabel: 'app/staging/1/targetgroup/orders-staging/1',
          },
        ],
      ],
    );
  });

  it('tunes the target group health check', () => {
    assert.deepEqual(healthCheckTimings(run), [10, 4, 2, 4]);
  });

  it('reports an HTTPS URL on its first host name, the task role ARN and the security group id', () => {
    const outputs = Object.fromEntries(
      protonOutputs(run.outputs).map(output => [
        output.key,
        output.valueString,
      ]),
    );
    assert.equal(outputs.serviceUrl, 'https://orders.example.com/orders');
    assert.equal(
      outputs.taskRoleArn,
      'arn:aws:iam::111111111111:role/orders-staging-task',
    );
    assert.equal(outputs.securityGroupId, 'orders-staging-id');
  });
});
