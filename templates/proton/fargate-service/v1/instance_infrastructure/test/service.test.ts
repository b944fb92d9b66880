import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fnv1a } from '../routing';
import {
  ENVIRONMENT_OUTPUTS,
  healthCheckTimings,
  serviceInstanceInputs,
} from './fixtures';
import {
  ofType,
  ProgramRun,
  protonConfig,
  runProgram,
  single,
} from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

const TAGS = {
  'proton:environment': 'staging',
  'proton:service': 'orders',
  'proton:service-instance': 'staging',
  'proton:template': 'fargate-service',
  'proton:template-version': '1.8',
};
// Resource types that AWS cannot tag.
const UNTAGGABLE = ['aws:iam/rolePolicyAttachment:RolePolicyAttachment'];

describe('fargate-service instance', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: protonConfig(
        serviceInstanceInputs({
          image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2',
          port: 8080,
          cpu: 512,
          memory: 2048,
          desiredCount: 3,
          path: '/orders',
          healthCheckPath: '/orders/health',
          environmentVariables: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'GREETING', value: 'a=b "quoted"\nsecond line' },
          ],
          healthCheckGracePeriodSeconds: 60,
        }),
      ),
      stack: 'orders.staging',
      state: serviceState,
      call: serviceCalls(),
    });
  });

  it('runs the tasks on Fargate in the private subnets, without public IPs', () => {
    const service = single(run, 'aws:ecs/service:Service');
    assert.equal(service.inputs.launchType, 'FARGATE');
    assert.equal(service.inputs.cluster, ENVIRONMENT_OUTPUTS.clusterArn);
    assert.deepEqual(service.inputs.networkConfiguration, {
      subnets: ['subnet-private-a', 'subnet-private-b'],
      securityGroups: ['orders-staging-id'],
      assignPublicIp: false,
    });
    assert.equal(service.inputs.desiredCount, 3);
    assert.equal(service.inputs.healthCheckGracePeriodSeconds, 60);
    assert.deepEqual(service.inputs.deploymentCircuitBreaker, {
      enable: true,
      rollback: true,
    });
    assert.deepEqual(service.inputs.loadBalancers, [
      {
        targetGroupArn:
          'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-staging/1',
        containerName: 'app',
        containerPort: 8080,
      },
    ]);
  });

  it('accepts traffic only from the load balancer security group, on the container port', () => {
    const group = single(run, 'aws:ec2/securityGroup:SecurityGroup');
    assert.equal(group.inputs.vpcId, 'vpc-0123');
    assert.deepEqual(
      group.inputs.ingress.map((rule: any) => ({
        protocol: rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        securityGroups: rule.securityGroups,
        cidrBlocks: rule.cidrBlocks,
      })),
      [
        {
          protocol: 'tcp',
          fromPort: 8080,
          toPort: 8080,
          securityGroups: ['sg-lb'],
          cidrBlocks: undefined,
        },
      ],
    );
  });

  it('routes the path and everything below it from the shared listener', () => {
    const rule = single(run, 'aws:lb/listenerRule:ListenerRule');
    assert.equal(rule.inputs.listenerArn, ENVIRONMENT_OUTPUTS.listenerArn);
    assert.deepEqual(rule.inputs.conditions, [
      { pathPattern: { values: ['/orders', '/orders/*'] } },
    ]);
    assert.deepEqual(rule.inputs.actions, [
      {
        type: 'forward',
        targetGroupArn:
          'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-staging/1',
      },
    ]);
    // its own image serves under /orders: the path reaches it unchanged
    assert.equal(rule.inputs.transforms, undefined);
    // One path segment: band 40001-45000, at the hash of the names.
    const expected = 40001 + (fnv1a('orders/staging') % 5000);
    assert.equal(rule.inputs.priority, expected);
    // the instance's rule is known by its tags when prepare.sh reads the listener's rules again
    assert.equal(rule.inputs.tags['proton:service'], 'orders');
    assert.equal(rule.inputs.tags['proton:service-instance'], 'staging');
    assert.equal(rule.inputs.tags['proton:path'], '/orders');
  });

  it('health-checks the tasks on the container port at the health check path', () => {
    const group = single(run, 'aws:lb/targetGroup:TargetGroup');
    assert.equal(group.inputs.port, 8080);
    assert.equal(group.inputs.targetType, 'ip');
    assert.equal(group.inputs.vpcId, 'vpc-0123');
    assert.equal(group.inputs.healthCheck.path, '/orders/health');
  });

  it('defines the task with the size, image, port, variables and logs it was given', () => {
    const task = single(run, 'aws:ecs/taskDefinition:TaskDefinition');
    assert.equal(task.inputs.cpu, '512');
    assert.equal(task.inputs.memory, '2048');
    assert.deepEqual(task.inputs.requiresCompatibilities, ['FARGATE']);
    assert.equal(task.inputs.networkMode, 'awsvpc');
    // a rolled-back rollout returns to the previous revision, which must stay registered
    assert.equal(task.inputs.skipDestroy, true);
    assert.equal(
      task.inputs.executionRoleArn,
      'arn:aws:iam::111111111111:role/orders-staging-execution',
    );
    assert.equal(
      task.inputs.taskRoleArn,
      'arn:aws:iam::111111111111:role/orders-staging-task',
    );
    const [container] = JSON.parse(task.inputs.containerDefinitions);
    assert.equal(
      container.image,
      '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2',
    );
    assert.deepEqual(container.portMappings, [
      { containerPort: 8080, protocol: 'tcp' },
    ]);
    assert.deepEqual(container.environment, [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'GREETING', value: 'a=b "quoted"\nsecond line' },
    ]);
    assert.deepEqual(container.logConfiguration, {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '/proton/staging/orders/staging',
        'awslogs-region': 'us-east-1',
        'awslogs-stream-prefix': 'app',
      },
    });
  });

  it('keeps the logs for the environment retention', () => {
    const group = single(run, 'aws:cloudwatch/logGroup:LogGroup');
    assert.equal(group.inputs.name, '/proton/staging/orders/staging');
    assert.equal(group.inputs.retentionInDays, 14);
  });

  it('gives the execution role only AmazonECSTaskExecutionRolePolicy and the task role nothing', () => {
    const attachments = ofType(
      run,
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    );
    assert.deepEqual(
      attachments.map(attachment => [
        attachment.inputs.role,
        attachment.inputs.policyArn,
      ]),
      [
        [
          'orders-staging-execution',
          'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
        ],
      ],
    );
    const roles = ofType(run, 'aws:iam/role:Role');
    assert.deepEqual(roles.map(role => role.name).sort(), [
      'orders-staging-execution',
      'orders-staging-task',
    ]);
    for (const role of roles) {
      assert.equal(role.inputs.inlinePolicies, undefined, role.name);
      assert.equal(role.inputs.managedPolicyArns, undefined, role.name);
      const trust = JSON.parse(role.inputs.assumeRolePolicy);
      assert.deepEqual(trust.Statement[0].Principal, {
        Service: 'ecs-tasks.amazonaws.com',
      });
      assert.deepEqual(trust.Statement[0].Condition, {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
      });
    }
    for (const type of [
      'aws:iam/rolePolicy:RolePolicy',
      'aws:iam/policy:Policy',
    ]) {
      assert.deepEqual(ofType(run, type), [], type);
    }
  });

  it('tags every taggable resource with the environment, service, instance and template version', () => {
    assert.deepEqual(run.resources.map(resource => resource.type).sort(), [
      'aws:cloudwatch/logGroup:LogGroup',
      'aws:ec2/securityGroup:SecurityGroup',
      'aws:ecs/service:Service',
      'aws:ecs/taskDefinition:TaskDefinition',
      'aws:iam/role:Role',
      'aws:iam/role:Role',
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
      'aws:lb/listenerRule:ListenerRule',
      'aws:lb/targetGroup:TargetGroup',
    ]);
    for (const resource of run.resources) {
      if (UNTAGGABLE.includes(resource.type)) continue;
      for (const [key, value] of Object.entries(TAGS)) {
        assert.equal(
          resource.inputs.tags?.[key],
          value,
          `${resource.type} ${resource.name} tag ${key}`,
        );
      }
    }
  });

  it('reports the outputs Proton shows, all strings', () => {
    assert.deepEqual(run.outputs, {
      serviceUrl: 'http://staging-1.us-east-1.elb.amazonaws.com/orders',
      ecsServiceName: 'orders-staging-svc',
      ecsClusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/staging',
      taskDefinitionArn:
        'arn:aws:ecs:us-east-1:111111111111:task-definition/staging-orders-staging:1',
      targetGroupArn:
        'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-staging/1',
      logGroupName: '/proton/staging/orders/staging',
      taskRoleArn: 'arn:aws:iam::111111111111:role/orders-staging-task',
      securityGroupId: 'orders-staging-id',
    });
  });

  it('without the 1.6 options, adds nothing earlier versions did not make, with the provider’s health check values', () => {
    for (const type of [
      'aws:iam/rolePolicy:RolePolicy',
      'aws:appautoscaling/target:Target',
      'aws:appautoscaling/policy:Policy',
    ]) {
      assert.deepEqual(ofType(run, type), [], type);
    }
    assert.equal(
      ofType(run, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').length,
      1,
    );
    const rule = single(run, 'aws:lb/listenerRule:ListenerRule');
    assert.equal(rule.inputs.conditions.length, 1);
    assert.deepEqual(
      healthCheckTimings(run),
      // no timeout sent: AWS keeps its default, as before 1.6
      [30, undefined, 3, 3],
    );
  });
});
