import * as pulumi from '@pulumi/pulumi';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  FARGATE_CPU_VALUES,
  FARGATE_MEMORY_VALUES,
  FARGATE_TASK_SIZES,
  taskSizeProblem,
} from '../fargate';
import {
  DEFAULTS,
  PATTERNS,
  readEnvironmentOutputs,
  readServiceInstanceInputs,
  ServiceInstanceInputs,
  stripsPathPrefix,
} from '../inputs';
import { ENVIRONMENT_OUTPUTS } from './fixtures';
import { readProject } from './pulumiMocks';

const bundle = path.resolve(__dirname, '../..');
function schemaAt(file: string) {
  const { schema } = parse(fs.readFileSync(path.join(bundle, file), 'utf8'));
  return {
    types: schema.types,
    inputs: schema.types[schema.service_input_type],
  };
}
const current = schemaAt('schema/schema.yaml');
const properties = current.inputs.properties;

function config(values: Record<string, unknown>) {
  const project = readProject();
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries({ ...project.defaults, ...values }).map(([key, value]) => [
        `${project.name}:${key}`,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    ),
  );
  return new pulumi.Config(project.name);
}

describe('service instance inputs', () => {
  it('keeps the program defaults equal to the schema defaults', () => {
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual(properties[key].default, value, key);
    }
    assert.deepEqual(
      Object.keys(properties).sort(),
      // path is required; the health check timeout has no default (AWS's applies)
      [...Object.keys(DEFAULTS), 'path', 'healthCheckTimeoutSeconds'].sort(),
    );
    assert.deepEqual(current.inputs.required, ['path']);
  });

  it('keeps the schema patterns equal to the ones the program checks', () => {
    assert.equal(properties.image.pattern, PATTERNS.image);
    assert.equal(properties.path.pattern, PATTERNS.path);
    assert.equal(properties.healthCheckPath.pattern, PATTERNS.healthCheckPath);
    assert.equal(
      current.types.EnvironmentVariable.properties.name.pattern,
      PATTERNS.environmentVariableName,
    );
    assert.equal(properties.hostNames.items.pattern, PATTERNS.hostName);
    assert.equal(
      current.types.ContainerSecret.properties.name.pattern,
      PATTERNS.environmentVariableName,
    );
    assert.equal(
      current.types.ContainerSecret.properties.valueFrom.pattern,
      PATTERNS.secretValueFrom,
    );
    assert.equal(
      properties.taskRolePolicyArns.items.pattern,
      PATTERNS.policyArn,
    );
  });

  it('keeps the schema ranges equal to what the program accepts', () => {
    const range = (key: string) => [
      properties[key].minimum,
      properties[key].maximum,
    ];
    for (const [key, min, max] of [
      ['autoscalingMaxCount', 0, 100],
      ['autoscalingCpuTarget', 10, 90],
      ['autoscalingRequestsPerTarget', 0, 1000000],
      ['healthCheckIntervalSeconds', 5, 300],
      ['healthCheckTimeoutSeconds', 2, 120],
      ['healthyThresholdCount', 2, 10],
      ['unhealthyThresholdCount', 2, 10],
    ] as const) {
      assert.deepEqual(range(key), [min, max], key);
      const below = { path: '/a', [key]: min - 1 };
      const above = { path: '/a', [key]: max + 1 };
      assert.throws(
        () => readServiceInstanceInputs(config(below)),
        new RegExp(`Input ${key}`),
      );
      assert.throws(
        () => readServiceInstanceInputs(config(above)),
        new RegExp(`Input ${key}`),
      );
    }
    assert.equal(properties.hostNames.maxItems, 3);
    assert.equal(properties.taskRolePolicyArns.maxItems, 10);
  });

  it('accepts secrets from Secrets Manager (whole or one JSON key) and Parameter Store, by full ARN', () => {
    const pattern = new RegExp(PATTERNS.secretValueFrom);
    const valid = [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf:password::',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf:password:AWSCURRENT:',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/orders/db-password',
      'arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/x',
    ];
    const invalid = [
      'orders/db',
      '/orders/db-password',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:a:b',
      'arn:aws:ssm:eu-west-1:123456789012:parameter',
      'arn:aws:s3:::bucket/key',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/x y',
    ];
    for (const value of valid) assert.ok(pattern.test(value), value);
    for (const value of invalid) assert.ok(!pattern.test(value), value);
  });

  it('restricts cpu and memory to Fargate values, and the program to Fargate pairs', () => {
    assert.deepEqual(properties.cpu.enum, FARGATE_CPU_VALUES);
    assert.deepEqual(properties.memory.enum, FARGATE_MEMORY_VALUES);
    for (const [cpu, memories] of Object.entries(FARGATE_TASK_SIZES)) {
      for (const memory of memories)
        assert.equal(taskSizeProblem(Number(cpu), memory), undefined);
    }
    assert.equal(
      taskSizeProblem(256, 4096),
      'memory 4096 does not go with cpu 256: Fargate allows 512, 1024, 2048 MiB for it',
    );
    assert.equal(
      taskSizeProblem(4096, 4096),
      'memory 4096 does not go with cpu 4096: Fargate allows 8192 to 30720 in steps of 1024 MiB for it',
    );
    assert.match(
      taskSizeProblem(300, 512)!,
      /cpu 300 is not a Fargate CPU value/,
    );
  });

  it('reads typed values and fills defaults', () => {
    assert.deepEqual(
      readServiceInstanceInputs(
        config({
          path: '/a',
          port: 8080,
          environmentVariables: [{ name: 'A', value: '1' }],
        }),
      ),
      {
        ...DEFAULTS,
        healthCheckTimeoutSeconds: undefined,
        path: '/a',
        port: 8080,
        environmentVariables: [{ name: 'A', value: '1' }],
      },
    );
  });

  it('names the input and the problem when a value is invalid', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { path: '/a', cpu: 256, memory: 4096 },
        /Inputs cpu and memory: memory 4096 does not go with cpu 256/,
      ],
      [
        { path: '/a', port: 0 },
        /Input port \(0\) must be a whole number from 1 to 65535$/,
      ],
      [
        { path: '/a', port: 80.5 },
        /Input port \(80.5\) must be a whole number/,
      ],
      [
        { path: '/a', desiredCount: 11 },
        /Input desiredCount \(11\) must be a whole number from 1 to 10$/,
      ],
      [
        { path: 'orders' },
        /Input path \("orders"\) is not valid: expected something like \/orders$/,
      ],
      [{ path: '/orders/' }, /Input path/],
      [
        { path: '/a', image: 'Nginx:latest' },
        /Input image \("Nginx:latest"\) is not valid/,
      ],
      [{ path: '/a', healthCheckPath: 'health' }, /Input healthCheckPath/],
      [
        { path: '/a', environmentVariables: [{ name: '1A', value: 'x' }] },
        /Input environmentVariables\[0\]\.name/,
      ],
      [
        {
          path: '/a',
          environmentVariables: [
            { name: 'A', value: 'x' },
            { name: 'A', value: 'y' },
          ],
        },
        /Input environmentVariables\[1\] repeats the name A$/,
      ],
      [
        { path: '/a', environmentVariables: [{ name: 'A' }] },
        /Input environmentVariables\[0\] must have a string name and a string value$/,
      ],
      [
        { path: '/a', healthCheckGracePeriodSeconds: 3600 },
        /Input healthCheckGracePeriodSeconds \(3600\)/,
      ],
      [{}, /path/],
      [
        { path: '/a', desiredCount: 3, autoscalingMaxCount: 2 },
        /Input autoscalingMaxCount \(2\) is below desiredCount \(3\), the fewest tasks autoscaling keeps: make it at least 3, or 0 for no autoscaling$/,
      ],
      [
        {
          path: '/a',
          healthCheckIntervalSeconds: 10,
          healthCheckTimeoutSeconds: 10,
        },
        /Input healthCheckTimeoutSeconds \(10\) must be shorter than healthCheckIntervalSeconds \(10\)$/,
      ],
      [
        { path: '/a', hostNames: ['Orders.example.com'] },
        /Input hostNames\[0\] \("Orders.example.com"\) is not valid: expected something like orders.example.com$/,
      ],
      [
        { path: '/a', hostNames: ['a.com', 'b.com', 'c.com', 'd.com'] },
        /Input hostNames has 4 items; at most 3 are allowed$/,
      ],
      [
        { path: '/a', hostNames: ['a.com', 'a.com'] },
        /Input hostNames\[1\] repeats a.com$/,
      ],
      [
        { path: '/a', hostNames: '"a.com"' },
        /Input hostNames must be a list of strings$/,
      ],
      [
        {
          path: '/a',
          hostNames: [`${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`],
        },
        /Input hostNames\[0\] is 133 characters; a load balancer rule takes at most 128$/,
      ],
      [
        { path: '/a', hostNames: ['shop.xn--p1ai'] },
        /Input hostNames\[0\] \("shop.xn--p1ai"\) is not valid/,
      ],
      [
        {
          path: '/a',
          secrets: Array.from({ length: 51 }, (_, i) => ({
            name: `S${i}`,
            valueFrom: `arn:aws:ssm:us-east-1:111111111111:parameter/s${i}`,
          })),
        },
        /Input secrets has 51 items; at most 50 are allowed$/,
      ],
      [
        {
          path: '/a',
          // 50 secrets with long names: each granted twice (full and partial ARN)
          secrets: Array.from({ length: 50 }, (_, i) => ({
            name: `S${i}`,
            valueFrom: `arn:aws:secretsmanager:us-east-1:111111111111:secret:teams/orders/production/database-credentials-${i}-AbCdEf`,
          })),
        },
        /Input secrets need an execution role policy of \d+ characters to read them, and IAM allows 10240: keep several values in one secret/,
      ],
      [
        {
          path: '/a',
          secrets: [
            {
              name: 'DB',
              valueFrom: `arn:aws:ssm:us-east-1:111111111111:parameter/${'p'.repeat(
                2100,
              )}`,
            },
          ],
        },
        /Input secrets\[0\]\.valueFrom is 2145 characters; at most 2048 are allowed$/,
      ],
      [
        { path: '/a', secrets: [{ name: 'DB', valueFrom: 'orders/db' }] },
        /Input secrets\[0\]\.valueFrom \("orders\/db"\) is not valid: expected something like arn:aws:secretsmanager:/,
      ],
      [
        {
          path: '/a',
          environmentVariables: [{ name: 'DB', value: 'x' }],
          secrets: [
            {
              name: 'DB',
              valueFrom: 'arn:aws:ssm:us-east-1:111111111111:parameter/db',
            },
          ],
        },
        /Input secrets\[0\] repeats the name DB \(of an environment variable or another secret\)$/,
      ],
      [
        { path: '/a', secrets: [{ name: 'DB' }] },
        /Input secrets\[0\] must have a string name and a string valueFrom$/,
      ],
      [
        { path: '/a', taskRolePolicyArns: ['AmazonS3ReadOnlyAccess'] },
        /Input taskRolePolicyArns\[0\] \("AmazonS3ReadOnlyAccess"\) is not valid: expected something like arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess$/,
      ],
      [
        {
          path: '/a',
          taskRolePolicyArns: Array.from(
            { length: 11 },
            (_, i) => `arn:aws:iam::111111111111:policy/p${i}`,
          ),
        },
        /Input taskRolePolicyArns has 11 items; at most 10 are allowed$/,
      ],
    ];
    for (const [values, message] of cases) {
      assert.throws(
        () => readServiceInstanceInputs(config(values)),
        message,
        JSON.stringify(values),
      );
    }
  });

  it('accepts the image references people use, and the schema pattern agrees', () => {
    const pattern = new RegExp(properties.image.pattern);
    const valid = [
      'nginx',
      'nginx:1.27',
      'public.ecr.aws/nginx/nginx:1.27',
      'localhost:5000/team/app:dev_1',
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2',
      `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`,
      'registry.example.com/a/b/c:v1.0-rc.1',
    ];
    const invalid = [
      '',
      'Nginx',
      'nginx:',
      'nginx:-bad',
      'a b',
      '/nginx',
      'nginx/',
      'ghcr.io/acme/api@sha256:abc',
      'x;rm -rf',
    ];
    for (const image of valid) assert.ok(pattern.test(image), image);
    for (const image of invalid) assert.ok(!pattern.test(image), image);
  });
});

describe('stripping the path prefix', () => {
  const instance = (inputs: Partial<ServiceInstanceInputs>) =>
    stripsPathPrefix({
      ...(DEFAULTS as Omit<ServiceInstanceInputs, 'path'>),
      path: '/orders',
      ...inputs,
    });

  it('strips when asked to, and never for /', () => {
    const image = '111111111111.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2';
    assert.equal(instance({ image }), false);
    assert.equal(instance({ image, stripPathPrefix: true }), true);
    assert.equal(instance({ image, stripPathPrefix: true, path: '/' }), false);
  });

  it('always strips for the placeholder image, which serves only / (any tag or digest)', () => {
    for (const image of [
      DEFAULTS.image,
      'public.ecr.aws/nginx/nginx:1.29',
      `public.ecr.aws/nginx/nginx@sha256:${'a'.repeat(64)}`,
      `public.ecr.aws/nginx/nginx:1.27@sha256:${'b'.repeat(64)}`,
    ]) {
      assert.equal(instance({ image }), true, image);
    }
    // another repository whose name starts the same is not the placeholder
    assert.equal(
      instance({ image: 'public.ecr.aws/nginx/nginx-unprivileged:1.27' }),
      false,
    );
    assert.equal(instance({ path: '/' }), false);
  });
});

describe('environment outputs', () => {
  it('refuses an environment whose private subnets have no route out (natGateways None), unless it has VPC endpoints', () => {
    const isolated = () =>
      config({
        environmentOutputs: { ...ENVIRONMENT_OUTPUTS, natGateways: 'None' },
      });
    assert.throws(() => readEnvironmentOutputs(isolated(), 'isolated'), {
      message:
        'Environment isolated has no NAT gateway (natGateways: None), and fargate-service runs its ' +
        'tasks in the private subnets, which then have no route out: without VPC endpoints they cannot ' +
        'pull their image or send their logs. Update the environment to natGateways Single or OnePerAz, ' +
        'deploy this service into another environment, or, if the VPC has the endpoints the tasks need ' +
        '(ECR api and dkr, S3, CloudWatch Logs), set environmentHasVpcEndpoints',
    });
    readEnvironmentOutputs(isolated(), 'isolated', { hasVpcEndpoints: true });
    for (const natGateways of ['Single', 'OnePerAz']) {
      readEnvironmentOutputs(
        config({ environmentOutputs: { ...ENVIRONMENT_OUTPUTS, natGateways } }),
        'staging',
      );
    }
  });

  it('decodes the strings Proton passes', () => {
    const outputs = readEnvironmentOutputs(
      config({ environmentOutputs: ENVIRONMENT_OUTPUTS }),
      'staging',
    );
    assert.deepEqual(outputs.privateSubnetIds, [
      'subnet-private-a',
      'subnet-private-b',
    ]);
    assert.equal(outputs.logRetentionDays, 14);
    // before fargate-env 1.5, and for existing-fargate-env: HTTP, no domain name
    assert.equal(outputs.listenerProtocol, 'HTTP');
    assert.equal(outputs.domainName, undefined);
    assert.equal(outputs.clusterName, 'staging-cluster');
    assert.equal(outputs.loadBalancerArnSuffix, 'app/staging/1');
  });

  it('reads the listener protocol and domain name of fargate-env 1.5, and the cluster name from its ARN when not reported', () => {
    const { clusterName: _name, ...withoutClusterName } = ENVIRONMENT_OUTPUTS;
    const outputs = readEnvironmentOutputs(
      config({
        environmentOutputs: {
          ...withoutClusterName,
          listenerProtocol: 'HTTPS',
          domainName: 'apps.example.com',
        },
      }),
      'staging',
    );
    assert.equal(outputs.listenerProtocol, 'HTTPS');
    assert.equal(outputs.domainName, 'apps.example.com');
    assert.equal(outputs.clusterName, 'staging');
    assert.throws(
      () =>
        readEnvironmentOutputs(
          config({
            environmentOutputs: {
              ...ENVIRONMENT_OUTPUTS,
              listenerProtocol: 'TCP',
            },
          }),
          'odd',
        ),
      {
        message:
          'Environment odd output listenerProtocol must be HTTP or HTTPS, got "TCP"',
      },
    );
    // an ARN the load balancer's cannot be read from (needed only to autoscale on requests)
    assert.equal(
      readEnvironmentOutputs(
        config({
          environmentOutputs: {
            ...ENVIRONMENT_OUTPUTS,
            listenerArn:
              'arn:aws:elasticloadbalancing:us-east-1:1:listener/net/x/1/2',
          },
        }),
        'odd',
      ).loadBalancerArnSuffix,
      undefined,
    );
  });

  it('fails clearly for an environment that is not a fargate-env one', () => {
    const { listenerArn: _listener, ...withoutListener } = ENVIRONMENT_OUTPUTS;
    assert.throws(
      () =>
        readEnvironmentOutputs(
          config({ environmentOutputs: withoutListener }),
          'legacy',
        ),
      {
        message:
          'Environment legacy has no output listenerArn: deploy this service into an environment made from the fargate-env template',
      },
    );
    assert.throws(
      () =>
        readEnvironmentOutputs(
          config({
            environmentOutputs: {
              ...ENVIRONMENT_OUTPUTS,
              privateSubnetIds: 'subnet-1',
            },
          }),
          'odd',
        ),
      /output privateSubnetIds must be a JSON list of subnet ids, got "subnet-1"/,
    );
  });
});
