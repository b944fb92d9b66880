import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { environmentState } from './environmentState';
import { ofType, ProgramRun, protonOutputs, runProgram } from './pulumiMocks';

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

  it('leaves the load balancer outputs out, as AWS Proton refuses empty values (1 to 1,024 characters)', () => {
    const reported = protonOutputs(run.outputs);
    assert.deepEqual(reported.map(output => output.key).sort(), [
      'clusterArn',
      'clusterName',
      'logRetentionDays',
      'natGateways',
      'privateSubnetIds',
      'vpcId',
    ]);
    for (const { key, valueString } of reported) {
      assert.ok(
        valueString.length >= 1 && valueString.length <= 1024,
        `${key} has ${valueString.length} characters`,
      );
    }
  });
});
