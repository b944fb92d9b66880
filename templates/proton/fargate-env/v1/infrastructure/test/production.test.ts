import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { environmentState } from './environmentState';
import {
  ofType,
  ProgramRun,
  protonOutputs,
  runProgram,
  single,
} from './pulumiMocks';

const CERTIFICATE =
  'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const WEB_ACL =
  'arn:aws:wafv2:us-east-1:111111111111:regional/webacl/apps/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('fargate-env with its production options (1.5)', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: {
        protonEnvironmentName: 'prod',
        httpsCertificateArn: CERTIFICATE,
        domainName: 'apps.example.com',
        accessLogsBucket: 'example-alb-logs',
        webAclArn: WEB_ACL,
        containerInsights: 'enhanced',
        // what prepare.sh read: a Region with two zones, a load balancer whose HTTP listener routes
        // to a service (kept: HTTPS stays on)
        availabilityZoneCount: '2',
        listenersInUse: JSON.stringify([
          {
            listenerArn:
              'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/prod/1/2',
            port: 80,
            rules: [{ arn: 'arn:rule', service: 'orders', instance: 'prod' }],
          },
        ]),
      },
      stack: 'prod',
      state: environmentState,
    });
  });

  it('answers HTTPS with the certificate and a TLS 1.2/1.3 policy, 404 unless a service rule matches', () => {
    const listener = ofType(run, 'aws:lb/listener:Listener').find(
      resource => resource.inputs.port === 443,
    )!;
    assert.equal(listener.name, 'prod-https');
    assert.equal(listener.inputs.protocol, 'HTTPS');
    assert.equal(listener.inputs.certificateArn, CERTIFICATE);
    assert.equal(
      listener.inputs.sslPolicy,
      'ELBSecurityPolicy-TLS13-1-2-2021-06',
    );
    assert.deepEqual(
      listener.inputs.defaultActions.map(
        (action: any) => action.fixedResponse?.statusCode,
      ),
      ['404'],
    );
  });

  it('redirects HTTP to HTTPS permanently, keeping host, path and query', () => {
    const listener = ofType(run, 'aws:lb/listener:Listener').find(
      resource => resource.inputs.port === 80,
    )!;
    assert.equal(listener.name, 'prod-http');
    assert.deepEqual(listener.inputs.defaultActions, [
      {
        type: 'redirect',
        redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
      },
    ]);
  });

  it('opens 443 beside 80 on the load balancer security group', () => {
    const group = single(run, 'aws:ec2/securityGroup:SecurityGroup');
    assert.deepEqual(
      group.inputs.ingress.map((rule: any) => [
        rule.fromPort,
        rule.toPort,
        rule.cidrBlocks,
      ]),
      [
        [80, 80, ['0.0.0.0/0']],
        [443, 443, ['0.0.0.0/0']],
      ],
    );
  });

  it('writes access logs to the bucket under the environment name, and associates the web ACL', () => {
    const lb = single(run, 'aws:lb/loadBalancer:LoadBalancer');
    assert.deepEqual(lb.inputs.accessLogs, {
      bucket: 'example-alb-logs',
      prefix: 'prod',
      enabled: true,
    });
    const association = single(
      run,
      'aws:wafv2/webAclAssociation:WebAclAssociation',
    );
    assert.equal(association.inputs.webAclArn, WEB_ACL);
    assert.equal(
      association.inputs.resourceArn,
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/prod/1',
    );
  });

  it('spreads the VPC over every zone of a Region with fewer than three', () => {
    assert.equal(
      single(run, 'awsx:ec2:Vpc').inputs.numberOfAvailabilityZones,
      2,
    );
  });

  it('sets Container Insights on the cluster as asked', () => {
    const cluster = single(run, 'aws:ecs/cluster:Cluster');
    assert.deepEqual(cluster.inputs.settings, [
      { name: 'containerInsights', value: 'enhanced' },
    ]);
  });

  it('hands services the HTTPS listener, its protocol and the domain name', () => {
    const outputs = Object.fromEntries(
      protonOutputs(run.outputs).map(output => [
        output.key,
        output.valueString,
      ]),
    );
    assert.equal(
      outputs.listenerArn,
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/prod/1/3',
    );
    assert.equal(outputs.listenerProtocol, 'HTTPS');
    assert.equal(outputs.domainName, 'apps.example.com');
  });
});
