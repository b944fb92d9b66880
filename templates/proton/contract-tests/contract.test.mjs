// The contract between the two templates, end to end without a cloud: the environment program runs
// against Pulumi's mocks, its outputs go through provision.sh's conversion ([{key, valueString}]),
// become a service instance's proton-inputs.json the way Proton builds it (environment.outputs, all
// strings), and the service program runs on that. Each program runs in its own bundle, with the
// bundle's own dependencies (test/simulate.ts), as the control plane's simulate runner would.
// Needs the bundles installed (npm ci): test-all.sh does that first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENVIRONMENT_BUNDLE = path.join(root, 'fargate-env/v1/infrastructure');
const SERVICE_BUNDLE = path.join(
  root,
  'fargate-service/v1/instance_infrastructure',
);

/** Runs a bundle's program on a proton-inputs.json; returns what provision.sh would report to Proton. */
function simulate(bundle, protonInputs) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-'));
  const file = path.join(directory, 'proton-inputs.json');
  fs.writeFileSync(file, JSON.stringify(protonInputs));
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'test/simulate.ts', file],
    {
      cwd: bundle,
      encoding: 'utf8',
    },
  );
  fs.rmSync(directory, { recursive: true, force: true });
  return {
    status: result.status,
    stderr: result.stderr,
    outputs: result.status === 0 ? JSON.parse(result.stdout) : undefined,
  };
}

/** What Proton gives a service instance: its spec, names, and its environment's outputs by key. */
function serviceInstanceInputs(environment, reported, inputs) {
  return {
    service: { name: 'orders' },
    service_instance: { name: 'main', inputs },
    environment: {
      name: environment,
      account_id: '111111111111',
      outputs: Object.fromEntries(
        reported.map(({ key, valueString }) => [key, valueString]),
      ),
    },
  };
}

describe('fargate-env outputs feed fargate-service', () => {
  it('deploys a service instance into an environment with a load balancer', () => {
    const environment = simulate(ENVIRONMENT_BUNDLE, {
      environment: {
        name: 'staging',
        inputs: {
          vpcCidrBlock: '10.20.0.0/16',
          natGateways: 'Single',
          loadBalancer: true,
          logRetentionDays: 60,
        },
      },
    });
    assert.equal(environment.status, 0, environment.stderr);
    for (const output of environment.outputs)
      assert.equal(typeof output.valueString, 'string', output.key);
    const dns = environment.outputs.find(
      output => output.key === 'loadBalancerDnsName',
    ).valueString;
    assert.ok(dns.length > 0);

    const service = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('staging', environment.outputs, {
        path: '/orders',
        port: 8080,
        cpu: 1024,
        memory: 2048,
      }),
    );
    assert.equal(service.status, 0, service.stderr);
    const outputs = Object.fromEntries(
      service.outputs.map(({ key, valueString }) => [key, valueString]),
    );
    assert.deepEqual(Object.keys(outputs).sort(), [
      'ecsClusterArn',
      'ecsServiceName',
      'logGroupName',
      'securityGroupId',
      'serviceUrl',
      'targetGroupArn',
      'taskDefinitionArn',
      'taskRoleArn',
    ]);
    assert.equal(outputs.serviceUrl, `http://${dns}/orders`);
    assert.equal(outputs.logGroupName, '/proton/staging/orders/main');
    for (const [key, value] of Object.entries(outputs))
      assert.ok(typeof value === 'string' && value.length > 0, key);
  });

  it('gives a service in an HTTPS environment (fargate-env 1.5) the HTTPS listener and an https URL on its host', () => {
    const environment = simulate(ENVIRONMENT_BUNDLE, {
      environment: {
        name: 'prod',
        inputs: {
          httpsCertificateArn:
            'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
          domainName: 'apps.example.com',
          containerInsights: 'enabled',
        },
      },
    });
    assert.equal(environment.status, 0, environment.stderr);
    const reported = Object.fromEntries(
      environment.outputs.map(({ key, valueString }) => [key, valueString]),
    );
    assert.equal(reported.listenerProtocol, 'HTTPS');
    assert.equal(reported.domainName, 'apps.example.com');

    const withoutHost = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('prod', environment.outputs, { path: '/orders' }),
    );
    assert.equal(withoutHost.status, 0, withoutHost.stderr);
    assert.equal(
      withoutHost.outputs.find(o => o.key === 'serviceUrl').valueString,
      'https://apps.example.com/orders',
    );
    const withHost = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('prod', environment.outputs, {
        path: '/',
        hostNames: ['orders.example.com'],
        autoscalingMaxCount: 4,
        autoscalingRequestsPerTarget: 500,
      }),
    );
    assert.equal(withHost.status, 0, withHost.stderr);
    assert.equal(
      withHost.outputs.find(o => o.key === 'serviceUrl').valueString,
      'https://orders.example.com/',
    );
  });

  it('deploys a service instance into a customer managed existing-fargate-env environment', () => {
    // The control plane's rule for a customer managed environment: its spec values are its outputs,
    // strings as they are, other values as JSON.
    const spec = {
      vpcId: 'vpc-0123456789abcdef0',
      privateSubnetIds: [
        'subnet-0123456789abcdef0',
        'subnet-0fedcba9876543210',
      ],
      clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/shared',
      listenerArn:
        'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shared/0123456789abcdef/0123456789abcdef',
      loadBalancerDnsName: 'shared-123456789.us-east-1.elb.amazonaws.com',
      loadBalancerSecurityGroupId: 'sg-0123456789abcdef0',
      logRetentionDays: 30,
    };
    const schema = fs.readFileSync(
      path.join(root, 'existing-fargate-env/v1/schema/schema.yaml'),
      'utf8',
    );
    for (const key of Object.keys(spec)) {
      assert.match(schema, new RegExp(`\\n        ${key}:\\n`), key);
    }
    const reported = Object.entries(spec).map(([key, value]) => ({
      key,
      valueString: typeof value === 'string' ? value : JSON.stringify(value),
    }));
    const service = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('shared', reported, { path: '/orders' }),
    );
    assert.equal(service.status, 0, service.stderr);
    const serviceUrl = service.outputs.find(o => o.key === 'serviceUrl');
    assert.equal(
      serviceUrl.valueString,
      'http://shared-123456789.us-east-1.elb.amazonaws.com/orders',
    );
  });

  it('refuses a service instance in an environment without a load balancer', () => {
    const environment = simulate(ENVIRONMENT_BUNDLE, {
      environment: { name: 'batch', inputs: { loadBalancer: false } },
    });
    assert.equal(environment.status, 0, environment.stderr);
    const service = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('batch', environment.outputs, { path: '/orders' }),
    );
    assert.equal(service.status, 1);
    assert.match(
      service.stderr,
      /Environment batch has no load balancer \(it was deployed with loadBalancer: false\)/,
    );
  });

  it('refuses a service instance in an environment whose private subnets have no route out', () => {
    const environment = simulate(ENVIRONMENT_BUNDLE, {
      environment: { name: 'isolated', inputs: { natGateways: 'None' } },
    });
    assert.equal(environment.status, 0, environment.stderr);
    const service = simulate(
      SERVICE_BUNDLE,
      serviceInstanceInputs('isolated', environment.outputs, {
        path: '/orders',
      }),
    );
    assert.equal(service.status, 1);
    assert.match(
      service.stderr,
      /Environment isolated has no NAT gateway \(natGateways: None\)/,
    );
  });
});
