import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { environmentState } from './environmentState';
import { ofType, ProgramRun, runProgram } from './pulumiMocks';

describe('fargate-env without a load balancer', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: {
        protonEnvironmentName: 'batch',
        templateVersion: '1.0',
        vpcCidrBlock: '172.20.0.0/20',
        natGateways: 'None',
        loadBalancer: 'false',
        logRetentionDays: '365',
      },
      state: environmentState,
    });
  });

  it('creates no load balancer, listener or load balancer security group', () => {
    for (const type of [
      'aws:lb/loadBalancer:LoadBalancer',
      'aws:lb/listener:Listener',
      'aws:ec2/securityGroup:SecurityGroup',
    ]) {
      assert.deepEqual(ofType(run, type), [], type);
    }
    assert.deepEqual(run.resources.map(resource => resource.type).sort(), [
      'aws:ecs/cluster:Cluster',
      'awsx:ec2:Vpc',
    ]);
  });

  it('passes the inputs on to the VPC', () => {
    const [vpc] = ofType(run, 'awsx:ec2:Vpc');
    assert.equal(vpc.inputs.cidrBlock, '172.20.0.0/20');
    assert.deepEqual(vpc.inputs.natGateways, { strategy: 'None' });
  });

  it('reports the load balancer outputs as empty strings, so services can tell', () => {
    assert.equal(run.outputs.loadBalancerArn, '');
    assert.equal(run.outputs.loadBalancerDnsName, '');
    assert.equal(run.outputs.listenerArn, '');
    assert.equal(run.outputs.loadBalancerSecurityGroupId, '');
    assert.equal(run.outputs.logRetentionDays, '365');
    assert.equal(run.outputs.vpcId, 'vpc-0123');
    for (const [key, value] of Object.entries(run.outputs)) {
      assert.equal(typeof value, 'string', key);
    }
  });
});
