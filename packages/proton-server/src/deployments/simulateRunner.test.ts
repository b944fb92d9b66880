import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DeleteEnvironmentCommand,
  GetDeploymentCommand,
  ListEnvironmentOutputsCommand,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import {
  codebuildManifest,
  createEnvironment,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import { ENVIRONMENT_SCHEMA } from '../__testUtils__/templateBundles';
import {
  fastWaiter,
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';
import { createSimulateRunner, protonStackConfig } from './simulateRunner';
import {
  installPulumiFixture,
  PULUMI_FIXTURE,
} from '../__testUtils__/pulumiFixture';

jest.setTimeout(120_000);

/** The bundles' shared provisioning files, whose proton.jq the simulate runner mirrors. */
const PROVISIONING = path.resolve(
  __dirname,
  '../../../../templates/proton/provisioning',
);

function fixtureBundle(): Record<string, string> {
  const files: Record<string, string> = {
    'schema/schema.yaml': ENVIRONMENT_SCHEMA,
    'infrastructure/manifest.yaml': codebuildManifest(['exit 1']),
  };
  for (const name of [
    'package.json',
    'package-lock.json',
    'Pulumi.yaml',
    'index.ts',
  ]) {
    files[`infrastructure/${name}`] = fs.readFileSync(
      path.join(PULUMI_FIXTURE, name),
      'utf8',
    );
  }
  return files;
}

describe('the simulate runner', () => {
  let test: TestServer | undefined;
  /**
   * A server whose simulate runner takes @pulumi/pulumi from the installed fixture; undefined when the
   * fixture cannot be installed (the test then has nothing to run against).
   */
  async function startWithPulumiFixture(): Promise<TestServer | undefined> {
    if (!(await installPulumiFixture())) return undefined;
    return startTemplateTestServer({
      deploymentRunner: createSimulateRunner({
        nodeModulesSources: [path.dirname(PULUMI_FIXTURE)],
        install: false,
      }),
    });
  }
  afterEach(async () => {
    await test?.stop();
    test = undefined;
  });

  it('maps proton-inputs.json to stack configuration as provision.sh does', () => {
    expect(
      protonStackConfig({
        service: { name: 'api' },
        service_instance: {
          name: 'api-dev',
          inputs: { port: 80, image: 'nginx', extra: null },
        },
        environment: {
          account_id: '000000000000',
          name: 'dev',
          outputs: { vpcId: 'vpc-1' },
        },
      }),
    ).toEqual({
      port: '80',
      image: 'nginx',
      protonEnvironmentName: 'dev',
      protonEnvironmentAccountId: '000000000000',
      protonServiceName: 'api',
      protonServiceInstanceName: 'api-dev',
      environmentOutputs: '{"vpcId":"vpc-1"}',
    });
  });

  it.each([
    [
      'an environment',
      { environment: { name: 'dev', inputs: { cidr: '10.0.0.0/16', nat: 1 } } },
    ],
    [
      'a service instance',
      {
        service: { name: 'api' },
        service_instance: { name: 'dev', inputs: { port: 80, tags: ['a'] } },
        environment: { name: 'dev', account_id: '1', outputs: { vpc: 'v' } },
      },
    ],
    [
      'a pipeline',
      {
        service: {
          name: 'api',
          repository_id: 'acme/api',
          repository_connection_arn: 'arn:aws:codestar-connections:x',
          branch_name: 'main',
        },
        pipeline: { inputs: { dockerfile: 'Dockerfile', retries: 2 } },
        service_instances: [
          {
            name: 'dev',
            inputs: { port: 80 },
            outputs: {},
            environment: { name: 'dev', account_id: '1', outputs: {} },
          },
        ],
      },
    ],
  ])(
    'maps the proton-inputs.json of %s exactly as the bundles’ proton.jq does',
    (_what, protonInputs) => {
      const jq = execFileSync(
        'jq',
        ['-L', PROVISIONING, '-j', 'include "proton"; config_entries'],
        { input: JSON.stringify(protonInputs), encoding: 'utf8' },
      );
      const expected = Object.fromEntries(
        jq
          .split('\0')
          .filter(Boolean)
          .map(entry => [
            entry.slice(0, entry.indexOf('=')),
            entry.slice(entry.indexOf('=') + 1),
          ]),
      );
      expect(protonStackConfig(protonInputs)).toEqual(expected);
    },
  );

  it('computes outputs with the mock runtime, says so, and creates nothing', async () => {
    test = await startWithPulumiFixture();
    if (!test) return;
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      fixtureBundle(),
    );
    const created = await createEnvironment(test, 'dev');
    await waitUntilEnvironmentDeployed(
      { ...fastWaiter(test), maxWaitTime: 60 },
      { name: 'dev' },
    );
    const { outputs } = await test.client.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
    );
    expect(outputs).toEqual([
      { key: 'bucketName', valueString: 'fixture-dev-simulated' },
      { key: 'cidr', valueString: '10.1.0.0/16' },
      { key: 'protonServerSimulated', valueString: 'true' },
      { key: 'settings', valueString: '{"environment":"dev","size":3}' },
    ]);
    const deleting = await test.client.send(
      new DeleteEnvironmentCommand({ name: 'dev' }),
    );
    await test.server.settled();
    const deadline = Date.now() + 20_000;
    let status: string | undefined;
    while (Date.now() < deadline) {
      status = (
        await test.client.send(
          new GetDeploymentCommand({
            id: deleting.environment!.lastAttemptedDeploymentId!,
          }),
        )
      ).deployment?.deploymentStatus;
      if (status === 'DELETE_COMPLETE') break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(status).toBe('DELETE_COMPLETE');
    const log = await test.server
      .deploymentLog(created.lastAttemptedDeploymentId!)
      .then(text => text ?? '');
    expect(log).toContain('SIMULATED: 1 resources registered');
  });

  it('fails, naming the resource, its name and the rule, when AWS would refuse a name the program gives', async () => {
    test = await startWithPulumiFixture();
    if (!test) return;
    const files = fixtureBundle();
    files['infrastructure/index.ts'] = [
      "import * as pulumi from '@pulumi/pulumi';",
      "const environment = new pulumi.Config().require('protonEnvironmentName');",
      // named by Pulumi: the logical name, a hyphen and 7 characters (15 + 1 + 13 + 8 = 37 > 32)
      'new pulumi.CustomResource(',
      "  'aws:lb/targetGroup:TargetGroup',",
      '  `checkout-portal-${environment}`,',
      '  { port: 80 },',
      ');',
      // named by the program, with a character IAM refuses
      "new pulumi.CustomResource('aws:iam/role:Role', 'execution', {",
      '  name: `checkout portal ${environment}`,',
      '});',
      // a prefix, which the provider completes with 26 characters: 9 + 26 = 35 > 32
      "new pulumi.CustomResource('aws:lb/targetGroup:TargetGroup', 'prefixed', { namePrefix: 'orders-tg' });",
      // a name AWS accepts
      "new pulumi.CustomResource('aws:ecs/service:Service', 'service', {});",
      'export const ok = true;',
      '',
    ].join('\n');
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, files);
    const created = await createEnvironment(test, 'production-eu');
    const failed = await waitForEnvironmentStatus(test, 'production-eu', [
      'FAILED',
    ]);
    expect(failed.deploymentStatusMessage).toMatch(
      /^Simulation failed \(nothing was created\): AWS would refuse a name the program gives: aws:lb\/targetGroup:TargetGroup "checkout-portal-production-eu": the target group name "checkout-portal-production-eu-[0-9a-f]{7}" has more than 32 characters \(37\); AWS allows at most 32 characters, letters, digits and hyphens, not beginning or ending with a hyphen \(Elastic Load Balancing CreateTargetGroup, Name\) \(and 2 more in the log\)$/,
    );
    const log = await test.server
      .deploymentLog(created.lastAttemptedDeploymentId!)
      .then(text => text ?? '');
    expect(log).toContain(
      'AWS would refuse: aws:iam/role:Role "execution": the IAM role name "checkout portal production-eu" has characters AWS does not allow (" ")',
    );
    expect(log).toMatch(
      /aws:lb\/targetGroup:TargetGroup "prefixed": the target group name "orders-tg[0-9a-f]{26}" has more than 32 characters \(35\)/,
    );
    expect(log).not.toContain('aws:ecs/service:Service "service":');
  });

  it("gives load balancers, listeners, rules and target groups ARNs in AWS's format, which programs take apart", async () => {
    test = await startWithPulumiFixture();
    if (!test) return;
    const files = fixtureBundle();
    files['infrastructure/index.ts'] = [
      "import * as pulumi from '@pulumi/pulumi';",
      "const lb = new pulumi.CustomResource('aws:lb/loadBalancer:LoadBalancer', 'shared', { name: 'shared', arn: undefined, arnSuffix: undefined });",
      "const listener = new pulumi.CustomResource('aws:lb/listener:Listener', 'http', { loadBalancerArn: (lb as any).arn, arn: undefined });",
      "const rule = new pulumi.CustomResource('aws:lb/listenerRule:ListenerRule', 'orders', { listenerArn: (listener as any).arn, arn: undefined });",
      "const group = new pulumi.CustomResource('aws:lb/targetGroup:TargetGroup', 'orders', { name: 'orders', arn: undefined, arnSuffix: undefined });",
      'export const loadBalancerArn = (lb as any).arn;',
      'export const loadBalancerArnSuffix = (lb as any).arnSuffix;',
      'export const listenerArn = (listener as any).arn;',
      'export const ruleArn = (rule as any).arn;',
      'export const targetGroupArn = (group as any).arn;',
      'export const targetGroupArnSuffix = (group as any).arnSuffix;',
      '',
    ].join('\n');
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, files);
    await createEnvironment(test, 'dev');
    await waitUntilEnvironmentDeployed(
      { ...fastWaiter(test), maxWaitTime: 60 },
      { name: 'dev' },
    );
    const { outputs } = await test.client.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
    );
    const value = (key: string) =>
      outputs?.find(output => output.key === key)?.valueString;
    const elb = /^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:/;
    expect(value('loadBalancerArn')).toMatch(
      new RegExp(`${elb.source}loadbalancer/app/shared/[0-9a-f]{16}$`),
    );
    expect(value('loadBalancerArnSuffix')).toMatch(
      /^app\/shared\/[0-9a-f]{16}$/,
    );
    // a listener's ARN holds its load balancer's, and a rule's its listener's
    const balancer = value('loadBalancerArn')!.split(':loadbalancer/')[1];
    expect(value('listenerArn')).toMatch(
      new RegExp(`${elb.source}listener/${balancer}/[0-9a-f]{16}$`),
    );
    const listener = value('listenerArn')!.split(':listener/')[1];
    expect(value('ruleArn')).toMatch(
      new RegExp(`${elb.source}listener-rule/${listener}/[0-9a-f]{16}$`),
    );
    expect(value('targetGroupArnSuffix')).toMatch(
      /^targetgroup\/orders\/[0-9a-f]{16}$/,
    );
    expect(value('targetGroupArn')).toBe(
      `${value('targetGroupArn')!.split(':targetgroup/')[0]}:${value(
        'targetGroupArnSuffix',
      )}`,
    );
  });

  it("fails with the compiler's own error line, without this machine's paths, when the program does not compile", async () => {
    test = await startWithPulumiFixture();
    if (!test) return;
    const compileError = (program: string) => {
      const files = fixtureBundle();
      files['infrastructure/index.ts'] = program;
      return files;
    };
    // Node's own type stripping (the fixture has no tsx): its error is one line
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      compileError(
        [
          "import * as pulumi from '@pulumi/pulumi';",
          "const name = new pulumi.Config().require('protonEnvironmentName');",
          'export const name = 1;',
          '',
        ].join('\n'),
      ),
    );
    await createEnvironment(test, 'dev');
    const stripped = await waitForEnvironmentStatus(test, 'dev', ['FAILED']);
    expect(stripped.deploymentStatusMessage).toBe(
      "Simulation failed (nothing was created): The Pulumi program failed under the mock runtime: Identifier 'name' has already been declared",
    );
  });

  it("names esbuild's first error and its place in the bundle, not its heading, when tsx cannot compile the program", async () => {
    test = await startWithPulumiFixture();
    if (!test) return;
    const files = fixtureBundle();
    // what tsx (esbuild) throws: a heading, the errors with absolute paths, and the errors themselves
    files['infrastructure/index.ts'] = [
      'const error: any = new Error(',
      "  'Transform failed with 2 errors:\\n' + __dirname + '/index.ts:3:13: ERROR: The symbol \"name\" has already been declared',",
      ');',
      'error.errors = [',
      "  { text: 'The symbol \"name\" has already been declared', location: { file: __dirname + '/index.ts', line: 3 } },",
      "  { text: 'Unexpected \"}\"', location: { file: __dirname + '/index.ts', line: 9 } },",
      '];',
      'throw error;',
      '',
    ].join('\n');
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, files);
    await createEnvironment(test, 'dev');
    const failed = await waitForEnvironmentStatus(test, 'dev', ['FAILED']);
    expect(failed.deploymentStatusMessage).toBe(
      'Simulation failed (nothing was created): The Pulumi program failed under the mock runtime: The symbol "name" has already been declared (index.ts:3) (and 1 more error in the log)',
    );
  });

  it('fails with a clear message when the bundle has no @pulumi/pulumi', async () => {
    test = await startTemplateTestServer({
      deploymentRunner: createSimulateRunner(),
    });
    const files = fixtureBundle();
    files['infrastructure/package.json'] = JSON.stringify({
      name: 'no-pulumi',
      version: '1.0.0',
      main: 'index.ts',
    });
    files['infrastructure/package-lock.json'] = JSON.stringify({
      name: 'no-pulumi',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'no-pulumi', version: '1.0.0' } },
    });
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, files);
    await createEnvironment(test, 'dev');
    const failed = await waitForEnvironmentStatus(test, 'dev', ['FAILED']);
    expect(failed.deploymentStatusMessage).toMatch(
      /^Simulation failed: @pulumi\/pulumi cannot be loaded from the bundle \(Cannot find module '@pulumi\/pulumi'.*\)\. The bundle's package.json and package-lock.json must depend on @pulumi\/pulumi$/,
    );
  });

  it('fails when the bundle has no package.json', async () => {
    test = await startTemplateTestServer({
      deploymentRunner: createSimulateRunner(),
    });
    const files = fixtureBundle();
    delete files['infrastructure/package.json'];
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, files);
    await createEnvironment(test, 'dev');
    const failed = await waitForEnvironmentStatus(test, 'dev', ['FAILED']);
    expect(failed.deploymentStatusMessage).toBe(
      'The simulate runner runs a Pulumi program: infrastructure/package.json is missing',
    );
  });
});
