import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ofType, ProgramRun, runProgram, single } from './pulumiMocks';
import { environmentState } from './environmentState';

const TAGS = {
  'proton:environment': 'staging',
  'proton:template': 'fargate-env',
  'proton:template-version': '1.7',
};

describe('fargate-env with a load balancer (the defaults)', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: { protonEnvironmentName: 'staging', natGateways: 'OnePerAz' },
      stack: 'staging',
      state: environmentState,
    });
  });

  it('creates the VPC with the CIDR block and NAT strategy it was given', () => {
    const vpc = single(run, 'awsx:ec2:Vpc');
    assert.equal(vpc.name, 'staging');
    assert.equal(vpc.inputs.cidrBlock, '10.0.0.0/16');
    assert.deepEqual(vpc.inputs.natGateways, { strategy: 'OnePerAz' });
    assert.deepEqual(vpc.inputs.tags, { ...TAGS, Name: 'staging' });
  });

  it('tags every taggable resource with the environment and template version', () => {
    assert.ok(
      run.resources.length >= 5,
      'the program registered its resources',
    );
    for (const resource of run.resources) {
      for (const [key, value] of Object.entries(TAGS)) {
        assert.equal(
          resource.inputs.tags?.[key],
          value,
          `${resource.type} ${resource.name} tag ${key}`,
        );
      }
    }
  });

  it('puts an internet-facing application load balancer in the public subnets', () => {
    const lb = single(run, 'aws:lb/loadBalancer:LoadBalancer');
    assert.equal(lb.name, 'staging');
    assert.equal(lb.inputs.loadBalancerType, 'application');
    assert.equal(lb.inputs.internal, false);
    assert.deepEqual(lb.inputs.subnets, ['subnet-public-a', 'subnet-public-b']);
    assert.deepEqual(lb.inputs.securityGroups, ['staging-lb-id']);
  });

  it('lets HTTP in from anywhere and traffic out to the VPC only', () => {
    const group = single(run, 'aws:ec2/securityGroup:SecurityGroup');
    assert.equal(group.inputs.vpcId, 'vpc-0123');
    assert.deepEqual(
      group.inputs.ingress.map((rule: any) => [
        rule.protocol,
        rule.fromPort,
        rule.toPort,
        rule.cidrBlocks,
      ]),
      [['tcp', 80, 80, ['0.0.0.0/0']]],
    );
    assert.deepEqual(
      group.inputs.egress.map((rule: any) => [
        rule.protocol,
        rule.fromPort,
        rule.toPort,
        rule.cidrBlocks,
      ]),
      [['tcp', 0, 65535, ['10.0.0.0/16']]],
    );
  });

  it('owns the HTTP listener, which answers 404 unless a service rule matches', () => {
    const listener = single(run, 'aws:lb/listener:Listener');
    assert.equal(listener.inputs.port, 80);
    assert.equal(listener.inputs.protocol, 'HTTP');
    assert.equal(
      listener.inputs.loadBalancerArn,
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/staging/1',
    );
    assert.deepEqual(listener.inputs.defaultActions, [
      {
        type: 'fixed-response',
        fixedResponse: {
          contentType: 'text/plain',
          messageBody: 'Not found',
          statusCode: '404',
        },
      },
    ]);
  });

  it('creates one ECS cluster', () => {
    assert.equal(ofType(run, 'aws:ecs/cluster:Cluster').length, 1);
  });

  it('without the 1.5 options, changes nothing earlier versions made: no HTTPS, access logs, WAF or cluster settings', () => {
    assert.equal(ofType(run, 'aws:lb/listener:Listener').length, 1);
    // turned off explicitly, which is how AWS reads it back when off: no change for earlier stacks
    assert.deepEqual(
      single(run, 'aws:lb/loadBalancer:LoadBalancer').inputs.accessLogs,
      { bucket: '', enabled: false },
    );
    assert.equal(
      single(run, 'aws:ecs/cluster:Cluster').inputs.settings,
      undefined,
    );
    assert.deepEqual(
      ofType(run, 'aws:wafv2/webAclAssociation:WebAclAssociation'),
      [],
    );
  });

  it('reports every output as a string, lists JSON-encoded', () => {
    assert.deepEqual(run.outputs, {
      vpcId: 'vpc-0123',
      privateSubnetIds: '["subnet-private-a","subnet-private-b"]',
      clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/staging',
      clusterName: 'staging-cluster',
      loadBalancerArn:
        'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/staging/1',
      loadBalancerDnsName: 'staging-1.us-east-1.elb.amazonaws.com',
      listenerArn:
        'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/staging/1/2',
      loadBalancerSecurityGroupId: 'staging-lb-id',
      logRetentionDays: '30',
      natGateways: 'OnePerAz',
      listenerProtocol: 'HTTP',
      domainName: undefined,
    });
  });
});
