// Tests of provision.sh with stand-ins for pulumi, aws, npm and curl that record how they are called.
// No network, no Pulumi CLI, no AWS: run with `node --test provisioning/`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The service template's prepare.sh, which provision.sh runs before `pulumi up`. */
const PREPARE = path.join(
  here,
  '../fargate-service/v1/instance_infrastructure/prepare.sh',
);
/** The environment template's prepare.sh. */
const ENVIRONMENT_PREPARE = path.join(
  here,
  '../fargate-env/v1/infrastructure/prepare.sh',
);
const PULUMI_VERSION = /^PULUMI_VERSION=(.+)$/m.exec(
  fs.readFileSync(path.join(here, 'provision.sh'), 'utf8'),
)[1];

// Each stand-in appends one JSON line per call to $CALLS: its name, arguments and chosen variables.
const STAND_IN = `#!/usr/bin/env node
const fs = require('fs');
const name = require('path').basename(process.argv[1]);
const args = process.argv.slice(2);
const env = {};
for (const key of ['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE']) if (key in process.env) env[key] = process.env[key];
const call = { name, args, env };
if (name === 'aws' && args[0] === 'proton') {
  const file = args[args.indexOf('--outputs') + 1].replace('file://', '');
  call.outputs = JSON.parse(fs.readFileSync(file, 'utf8'));
}
fs.appendFileSync(process.env.CALLS, JSON.stringify(call) + '\\n');
const once = process.env.FAIL_FIRST;
if (once && (name + ' ' + args.join(' ')).startsWith(once) && !fs.existsSync(process.env.CALLS + '.failed')) {
  fs.writeFileSync(process.env.CALLS + '.failed', '');
  console.error(process.env.FAIL_MESSAGE || 'stand-in failure');
  process.exit(7);
}
const fail = (process.env.FAIL_ON || '').split(',').filter(Boolean);
if (fail.some(prefix => (name + ' ' + args.join(' ')).startsWith(prefix))) { console.error('stand-in failure'); process.exit(7); }
// REFUSALS and REPLIES: {"<command prefix>": "<AWS's error>" or <what it prints>}, the first match wins
const line = name + ' ' + args.join(' ');
for (const [prefix, error] of Object.entries(JSON.parse(process.env.REFUSALS || '{}'))) if (line.startsWith(prefix)) { console.error(error); process.exit(254); }
for (const [prefix, reply] of Object.entries(JSON.parse(process.env.REPLIES || '{}'))) if (line.startsWith(prefix)) { console.log(JSON.stringify(reply)); process.exit(0); }
if (name === 'pulumi' && args[0] === 'version') console.log('v${PULUMI_VERSION}');
if (name === 'pulumi' && args.join(' ') === 'stack output --json') console.log(process.env.STACK_OUTPUTS || '{}');
if (name === 'pulumi' && args.join(' ') === 'stack ls --json') console.log(process.env.STACKS || '[]');
if (name === 'pulumi' && args[0] === 'stack' && args[1] === 'export') console.log(process.env.STACK_EXPORT || '{"deployment": {"resources": []}}');
if (name === 'aws' && args[0] === 'secretsmanager') console.log('pul-token-from-secret');
if (name === 'aws' && args[0] === 'sts') console.log(process.env.CALLER_ACCOUNT || '222222222222');
if (name === 'aws' && args[0] === 'ecs') console.log(process.env.PRIMARY_DEPLOYMENT || 'null');
if (name === 'aws' && args.slice(0, 2).join(' ') === 'elbv2 describe-rules') console.log(process.env.LISTENER_RULES || '{"Rules": []}');
if (name === 'aws' && args.slice(0, 2).join(' ') === 'ec2 describe-availability-zones') console.log(process.env.AZ_COUNT || '3');
if (name === 'aws' && args.slice(0, 2).join(' ') === 'elbv2 describe-tags') {
  const arns = args.slice(args.indexOf('--resource-arns') + 1).filter(a => a.startsWith('arn:'));
  // a rule ARN ending in <service>.<instance> is tagged with both, else with its last segment as the service
  const tags = arn => { const [service, instance] = arn.split('/').pop().split('.'); return [{ Key: 'proton:service', Value: service }, ...(instance ? [{ Key: 'proton:service-instance', Value: instance }] : [])]; };
  console.log(JSON.stringify({ TagDescriptions: arns.map(arn => ({ ResourceArn: arn, Tags: [...tags(arn), { Key: 'team', Value: 'payments' }] })) }));
}
if (name === 'curl') fs.writeFileSync(args[args.indexOf('--output') + 1], 'not the pulumi archive');
`;

// Every folder a test made, removed when the file's tests are done.
const made = [];
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function setUp({ protonInputs, cliInstalled = true, backendFile, prepare }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-'));
  made.push(dir);
  const work = path.join(dir, 'bundle');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(work);
  fs.mkdirSync(bin);
  for (const file of ['provision.sh', 'proton.jq', 'pulumi-backend.env']) {
    fs.copyFileSync(path.join(here, file), path.join(work, file));
  }
  if (backendFile !== undefined)
    fs.writeFileSync(path.join(work, 'pulumi-backend.env'), backendFile);
  if (prepare) fs.copyFileSync(prepare, path.join(work, 'prepare.sh'));
  fs.writeFileSync(
    path.join(work, 'proton-inputs.json'),
    JSON.stringify(protonInputs),
  );
  fs.writeFileSync(
    path.join(work, 'Pulumi.yaml'),
    'name: proton-fargate-service\nruntime: nodejs\n',
  );
  for (const name of ['aws', 'npm', 'curl']) {
    fs.writeFileSync(path.join(bin, name), STAND_IN, { mode: 0o755 });
  }
  const cliDir = path.join(
    dir,
    'home',
    '.pulumi-cli',
    PULUMI_VERSION,
    'pulumi',
  );
  fs.mkdirSync(cliDir, { recursive: true });
  if (cliInstalled)
    fs.writeFileSync(path.join(cliDir, 'pulumi'), STAND_IN, { mode: 0o755 });
  return { dir, work, bin };
}

function provision(action, setup, env = {}) {
  const calls = path.join(setup.dir, 'calls.jsonl');
  const result = spawnSync(
    'bash',
    [path.join(setup.work, 'provision.sh'), action],
    {
      encoding: 'utf8',
      env: {
        PATH: `${setup.bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: path.join(setup.dir, 'home'),
        CALLS: calls,
        RESOURCE_ARN:
          'arn:aws:proton:us-east-1:111111111111:environment/staging',
        ...env,
      },
    },
  );
  const recorded = fs.existsSync(calls)
    ? fs
        .readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line))
    : [];
  return { ...result, calls: recorded };
}

const ENVIRONMENT = {
  environment: {
    name: 'staging',
    inputs: {
      vpcCidrBlock: '10.0.0.0/16',
      loadBalancer: true,
      logRetentionDays: 30,
    },
  },
};
const INSTANCE = {
  service: { name: 'orders' },
  service_instance: {
    name: 'staging',
    inputs: { path: '/orders', port: 8080 },
  },
  environment: {
    name: 'staging',
    account_id: '111111111111',
    outputs: { vpcId: 'vpc-1' },
  },
};
/** A service instance in an environment with a shared listener, whose rules prepare.sh reads. */
const INSTANCE_ON_LISTENER = structuredClone(INSTANCE);
INSTANCE_ON_LISTENER.environment.outputs.listenerArn =
  'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/staging/1/2';
const SELF_MANAGED = {
  PULUMI_BACKEND_URL: 'file:///state',
  PULUMI_CONFIG_PASSPHRASE: '',
};
const commands = calls =>
  calls.map(call => `${call.name} ${call.args.join(' ')}`);

describe('provision.sh provision', () => {
  it('deploys an environment stack configured from proton-inputs.json and reports its outputs', () => {
    const setup = setUp({ protonInputs: ENVIRONMENT });
    const result = provision('provision', setup, {
      ...SELF_MANAGED,
      STACK_OUTPUTS: JSON.stringify({
        vpcId: 'vpc-1',
        logRetentionDays: '30',
        ids: ['a'],
      }),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls), [
      'pulumi version',
      'npm ci --ignore-scripts --no-audit --no-fund',
      'pulumi login file:///state',
      // the account of the deployment's credentials (an environment account's, say) and the region
      'aws sts get-caller-identity --query Account --output text',
      'pulumi stack ls --json',
      'pulumi stack select --create --non-interactive 222222222222.us-east-1.staging',
      'pulumi config set-all --plaintext vpcCidrBlock=10.0.0.0/16 --plaintext loadBalancer=true --plaintext logRetentionDays=30 --plaintext protonEnvironmentName=staging',
      // what an interrupted run may have left (nothing here)
      'pulumi stack export',
      'pulumi up --yes --non-interactive --skip-preview --diff=false',
      'pulumi stack output --json',
      'aws proton notify-resource-deployment-status-change --resource-arn arn:aws:proton:us-east-1:111111111111:environment/staging --status IN_PROGRESS --outputs file://outputs.json',
    ]);
    assert.deepEqual(result.calls.at(-1).outputs, [
      { key: 'vpcId', valueString: 'vpc-1' },
      { key: 'logRetentionDays', valueString: '30' },
      { key: 'ids', valueString: '["a"]' },
    ]);
    assert.match(result.stdout, /provision.sh: provision finished/);
  });

  it('uses Pulumi Cloud with the token from Secrets Manager and one stack per service instance', () => {
    const setup = setUp({ protonInputs: INSTANCE });
    const result = provision('provision', setup, {
      PULUMI_ACCESS_TOKEN_SECRET_ARN:
        'arn:aws:secretsmanager:us-east-1:111111111111:secret:pulumi',
      PULUMI_ORG: 'acme',
    });
    assert.equal(result.status, 0, result.stderr);
    const run = commands(result.calls);
    assert.ok(
      run.includes(
        'aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:111111111111:secret:pulumi --query SecretString --output text',
      ),
    );
    assert.ok(run.includes('pulumi login'));
    assert.ok(
      run.includes(
        'pulumi stack select --create --non-interactive acme/proton-fargate-service/222222222222.us-east-1.orders.staging',
      ),
    );
    assert.ok(
      run.includes(
        'pulumi config set-all --plaintext path=/orders --plaintext port=8080 --plaintext protonEnvironmentName=staging ' +
          '--plaintext protonEnvironmentAccountId=111111111111 --plaintext protonServiceName=orders ' +
          '--plaintext protonServiceInstanceName=staging --plaintext environmentOutputs={"vpcId":"vpc-1"}',
      ),
    );
    const up = result.calls.find(call => call.args[0] === 'up');
    assert.equal(up.env.PULUMI_ACCESS_TOKEN, 'pul-token-from-secret');
  });

  it('reads the backend from pulumi-backend.env, and the job environment wins over it', () => {
    const backendFile =
      'PULUMI_BACKEND_URL=s3://from-file\nPULUMI_CONFIG_PASSPHRASE=from-file\n';
    const fromFile = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT, backendFile }),
    );
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.ok(commands(fromFile.calls).includes('pulumi login s3://from-file'));
    const overridden = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT, backendFile }),
      {
        PULUMI_BACKEND_URL: 's3://from-env',
      },
    );
    assert.ok(
      commands(overridden.calls).includes('pulumi login s3://from-env'),
    );
  });

  it('refuses to run without a state backend, saying what to set', () => {
    const result = provision('provision', setUp({ protonInputs: ENVIRONMENT }));
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /no Pulumi state backend: set PULUMI_ACCESS_TOKEN_SECRET_ARN \(Pulumi Cloud\) or PULUMI_BACKEND_URL/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi up')),
    );
  });

  it('fails naming the step when the deployment fails', () => {
    const result = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT }),
      {
        ...SELF_MANAGED,
        FAIL_ON: 'pulumi up',
      },
    );
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /provision.sh: failed while deploying stack 222222222222\.us-east-1\.staging \(pulumi up\) \(exit 7\)/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('aws proton')),
    );
  });

  it('after an interrupted attempt, clears its lock, drops its pending creates and refreshes before deploying again, and only then', () => {
    const cancel =
      'pulumi cancel --yes --non-interactive --stack 222222222222.us-east-1.staging';
    const refresh =
      'pulumi refresh --yes --non-interactive --skip-preview --clear-pending-creates';
    const up = 'pulumi up --yes --non-interactive --skip-preview --diff=false';
    const first = provision('provision', setUp({ protonInputs: ENVIRONMENT }), {
      ...SELF_MANAGED,
      PROTON_DEPLOYMENT_ATTEMPT: '1',
    });
    assert.equal(first.status, 0, first.stderr);
    // nothing left unfinished: no lock to clear, nothing to refresh
    assert.ok(!commands(first.calls).includes(cancel));
    assert.ok(!commands(first.calls).includes(refresh));
    const urn =
      'urn:pulumi:222222222222.us-east-1.staging::proton-fargate-env::aws:ecs/cluster:Cluster::staging';
    const resumedSetup = setUp({ protonInputs: ENVIRONMENT });
    const resumed = provision('provision', resumedSetup, {
      ...SELF_MANAGED,
      PROTON_DEPLOYMENT_ATTEMPT: '2',
      // the state the interrupted run left: one resource being created, one being updated
      STACK_EXPORT: JSON.stringify({
        deployment: {
          resources: [],
          pending_operations: [
            { resource: { urn }, type: 'creating' },
            { resource: { urn: `${urn}-other` }, type: 'updating' },
          ],
        },
      }),
    });
    assert.equal(resumed.status, 0, resumed.stderr);
    const run = commands(resumed.calls);
    // the lock, then the state read from AWS (the configuration written first: it holds the region),
    // then the deployment
    const configured = run.findIndex(call =>
      call.startsWith('pulumi config set-all'),
    );
    assert.ok(configured >= 0 && configured < run.indexOf(cancel));
    assert.ok(run.indexOf(cancel) >= 0);
    assert.ok(run.indexOf(cancel) < run.indexOf(refresh));
    assert.ok(run.indexOf(refresh) < run.indexOf(up));
    // the log names what the interrupted run was creating, which the refresh drops
    assert.match(
      resumed.stdout,
      /was creating these resources when it stopped.*\n  urn:pulumi:.*::staging\n/,
    );
    assert.doesNotMatch(resumed.stdout, /staging-other/);
    // and lists them for the bundle's prepare.sh
    assert.equal(
      fs.readFileSync(
        path.join(resumedSetup.work, 'pending-creates.txt'),
        'utf8',
      ),
      `${urn}\n`,
    );
    // nothing to cancel (the interrupted run had not taken the lock yet): carry on
    const unlocked = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT }),
      {
        ...SELF_MANAGED,
        PROTON_DEPLOYMENT_ATTEMPT: '3',
        FAIL_ON: 'pulumi cancel',
      },
    );
    assert.equal(unlocked.status, 0, unlocked.stderr);
    assert.match(
      unlocked.stdout,
      /no interrupted update of stack 222222222222\.us-east-1\.staging to cancel/,
    );
    assert.ok(
      commands(unlocked.calls).some(call => call.startsWith('pulumi up')),
    );
  });

  describe('what an interrupted run created without recording it', () => {
    const STACK = '222222222222.us-east-1.orders.staging';
    /** The tags the interrupted run was creating the resource with. */
    const TAGS = {
      'proton:service': 'orders',
      'proton:service-instance': 'staging',
    };
    /** As AWS lists them: those, and one the provider's default tags added. */
    const tagList = (tags, key = 'Key', value = 'Value') =>
      Object.entries({ ...tags, team: 'payments' }).map(([k, v]) => ({
        [key]: k,
        [value]: v,
      }));
    const ARN = 'arn:aws:service:us-east-1:222222222222:thing/leftover';
    const ROLE = 'orders-staging-execution-0f3a9c21';
    const LOG_GROUP = '/proton/staging/orders/staging';
    const GROUP_FILTERS = JSON.stringify([
      { Name: 'group-name', Values: ['orders-staging-5d1e2f7'] },
      { Name: 'vpc-id', Values: ['vpc-1'] },
    ]);
    /**
     * Each kind it removes: its name, AWS's answers when AWS has it with `tags` (REPLIES, by command
     * prefixes that hold the name looked up) and when AWS has none by that name, and the command that
     * deletes it.
     */
    const KINDS = [
      {
        type: 'aws:iam/role:Role',
        name: ROLE,
        found: tags => ({
          [`aws iam get-role --role-name ${ROLE} `]: {
            Role: { Tags: tagList(tags) },
          },
        }),
        absent: {
          REFUSALS: JSON.stringify({
            [`aws iam get-role --role-name ${ROLE} `]: `An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name ${ROLE} cannot be found.`,
          }),
        },
        remove: `aws iam delete-role --role-name ${ROLE}`,
      },
      {
        type: 'aws:cloudwatch/logGroup:LogGroup',
        name: LOG_GROUP,
        // as older CLIs list it: only `arn`, which ends in :*
        found: tags => ({
          [`aws logs describe-log-groups --log-group-name-prefix ${LOG_GROUP} `]:
            {
              logGroups: [
                { logGroupName: `${LOG_GROUP}-other`, arn: 'arn:other:*' },
                { logGroupName: LOG_GROUP, arn: `${ARN}:*` },
              ],
            },
          [`aws logs list-tags-for-resource --resource-arn ${ARN} `]: {
            tags: { ...tags, team: 'payments' },
          },
        }),
        absent: {
          REPLIES: JSON.stringify({
            [`aws logs describe-log-groups --log-group-name-prefix ${LOG_GROUP} `]:
              { logGroups: [{ logGroupName: `${LOG_GROUP}-other` }] },
          }),
        },
        remove: `aws logs delete-log-group --log-group-name ${LOG_GROUP}`,
      },
      {
        type: 'aws:ecr/repository:Repository',
        name: 'orders-images',
        found: tags => ({
          'aws ecr describe-repositories --repository-names orders-images ': {
            repositories: [{ repositoryArn: ARN }],
          },
          [`aws ecr list-tags-for-resource --resource-arn ${ARN} `]: {
            tags: tagList(tags),
          },
        }),
        absent: {
          REFUSALS: JSON.stringify({
            'aws ecr describe-repositories --repository-names orders-images ':
              "An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name 'orders-images' does not exist",
          }),
        },
        remove:
          'aws ecr delete-repository --repository-name orders-images --output json',
      },
      {
        type: 'aws:codebuild/project:Project',
        name: 'orders-build',
        found: tags => ({
          'aws codebuild batch-get-projects --names orders-build ': {
            projects: [
              { name: 'orders-build', tags: tagList(tags, 'key', 'value') },
            ],
            projectsNotFound: [],
          },
        }),
        absent: {
          REPLIES: JSON.stringify({
            'aws codebuild batch-get-projects --names orders-build ': {
              projects: [],
              projectsNotFound: ['orders-build'],
            },
          }),
        },
        remove:
          'aws codebuild delete-project --name orders-build --output json',
      },
      {
        type: 'aws:codepipeline/pipeline:Pipeline',
        name: 'orders-pipeline',
        found: tags => ({
          'aws codepipeline get-pipeline --name orders-pipeline ': {
            pipeline: { name: 'orders-pipeline' },
            metadata: { pipelineArn: ARN },
          },
          [`aws codepipeline list-tags-for-resource --resource-arn ${ARN} `]: {
            tags: tagList(tags, 'key', 'value'),
          },
        }),
        absent: {
          REFUSALS: JSON.stringify({
            'aws codepipeline get-pipeline --name orders-pipeline ':
              'An error occurred (PipelineNotFoundException) when calling the GetPipeline operation: Account 222222222222 does not have a pipeline with name orders-pipeline',
          }),
        },
        remove: 'aws codepipeline delete-pipeline --name orders-pipeline',
      },
      {
        type: 'aws:ec2/securityGroup:SecurityGroup',
        // Pulumi's name, with its random suffix: left behind, it would keep the VPC from being deleted
        name: 'orders-staging-5d1e2f7',
        inputs: { vpcId: 'vpc-1' },
        found: tags => ({
          [`aws ec2 describe-security-groups --filters ${GROUP_FILTERS} `]: {
            SecurityGroups: [{ GroupId: 'sg-0abc', Tags: tagList(tags) }],
          },
        }),
        absent: {
          REPLIES: JSON.stringify({
            [`aws ec2 describe-security-groups --filters ${GROUP_FILTERS} `]: {
              SecurityGroups: [],
            },
          }),
        },
        remove:
          'aws ec2 delete-security-group --group-id sg-0abc --output json',
      },
    ];
    const [ROLE_KIND, LOG_GROUP_KIND] = KINDS;
    /** A pending create of `kind`, as the state records it. */
    const pendingCreate = (kind, inputs = { tags: TAGS }) => ({
      type: 'creating',
      resource: {
        urn: `urn:pulumi:${STACK}::proton-fargate-service::${kind.type}::leftover`,
        type: kind.type,
        inputs: { name: kind.name, ...kind.inputs, ...inputs },
      },
    });
    /** The state an interrupted run left: these being created, not recorded. */
    const interruptedState = (operations, resources = []) =>
      JSON.stringify({
        deployment: { resources, pending_operations: operations },
      });
    const provisionAfter = (action, stackExport, env) => {
      const result = provision(action, setUp({ protonInputs: INSTANCE }), {
        ...SELF_MANAGED,
        STACKS: JSON.stringify([{ name: STACK }]),
        PROTON_DEPLOYMENT_ATTEMPT: '2',
        STACK_EXPORT: stackExport,
        ...env,
      });
      return { ...result, run: commands(result.calls) };
    };
    const run = (action, kind, env, inputs) =>
      provisionAfter(
        action,
        interruptedState([pendingCreate(kind, inputs)]),
        env,
      );
    const refresh =
      'pulumi refresh --yes --non-interactive --skip-preview --clear-pending-creates';

    for (const kind of KINDS) {
      it(`deletes the ${kind.type} it made under the name and tags it was creating it with, before deploying or destroying, and nothing else`, () => {
        for (const [action, then] of [
          ['provision', 'pulumi up'],
          ['deprovision', 'pulumi destroy'],
        ]) {
          const left = run(action, kind, {
            REPLIES: JSON.stringify(kind.found(TAGS)),
          });
          assert.equal(left.status, 0, left.stderr);
          const removed = left.run.indexOf(kind.remove);
          assert.ok(removed >= 0, `${action}: ${left.run.join('\n')}`);
          // after the refresh, which takes the stack's lock (so no run is still making it), and
          // before the deployment or the destroy
          assert.ok(left.run.indexOf(refresh) < removed);
          assert.ok(
            removed < left.run.findIndex(call => call.startsWith(then)),
          );
          assert.ok(left.stdout.includes(`deleted ${kind.type} ${kind.name}`));
        }
        // AWS has none by that name (the run stopped before creating it): nothing to delete
        const absent = run('provision', kind, kind.absent);
        assert.equal(absent.status, 0, absent.stderr);
        assert.ok(!absent.run.includes(kind.remove));
        assert.match(
          absent.stdout,
          /is not in the account: nothing left to remove/,
        );
        assert.ok(absent.run.some(call => call.startsWith('pulumi up')));
        // AWS has one by that name without every tag of the run's (someone else's): kept
        const others = run('provision', kind, {
          REPLIES: JSON.stringify(kind.found({ 'proton:service': 'orders' })),
        });
        assert.equal(others.status, 0, others.stderr);
        assert.ok(!others.run.includes(kind.remove));
        assert.match(others.stdout, /it is not this stack's and stays/);
        // the run had no tags to give it: nothing tells whose it is, so it is named to check by hand
        const untagged = run(
          'provision',
          kind,
          { REPLIES: JSON.stringify(kind.found({})) },
          { tags: {} },
        );
        assert.equal(untagged.status, 0, untagged.stderr);
        assert.ok(!untagged.run.includes(kind.remove));
        assert.match(
          untagged.stdout,
          /delete them by hand:\n  urn:pulumi:.*::leftover \(created without tags, so nothing tells whose .* is\)\n/,
        );
      });
    }

    it('looks a log group up by the ARN newer CLIs list without :*', () => {
      const result = run('provision', LOG_GROUP_KIND, {
        REPLIES: JSON.stringify({
          [`aws logs describe-log-groups --log-group-name-prefix ${LOG_GROUP} `]:
            {
              logGroups: [
                {
                  logGroupName: LOG_GROUP,
                  arn: `${ARN}:*`,
                  logGroupArn: ARN,
                },
              ],
            },
          [`aws logs list-tags-for-resource --resource-arn ${ARN} `]: {
            tags: TAGS,
          },
        }),
      });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(result.run.includes(LOG_GROUP_KIND.remove));
    });

    it('sorts several pending creates: deletes its leftovers, keeps what the stack holds, names the rest and leaves the listener rule to prepare.sh', () => {
      const heldRole = 'orders-staging-task-77aa1c20';
      const state = interruptedState(
        [
          pendingCreate(ROLE_KIND),
          pendingCreate(LOG_GROUP_KIND),
          // a role the stack already holds under that name (a replacement that kept its name, say)
          pendingCreate({ type: 'aws:iam/role:Role', name: heldRole }),
          // a security group Pulumi was creating outside any VPC named in its inputs
          pendingCreate({
            type: 'aws:ec2/securityGroup:SecurityGroup',
            name: 'orders-staging-5d1e2f7',
          }),
          pendingCreate({ type: 'aws:ecs/service:Service', name: 'orders' }),
          pendingCreate({ type: 'aws:lb/listenerRule:ListenerRule' }),
          pendingCreate({ type: 'pulumi:providers:aws', name: 'default' }),
        ],
        [{ type: 'aws:iam/role:Role', id: heldRole, outputs: {} }],
      );
      const roles = {
        ...ROLE_KIND.found(TAGS),
        [`aws iam get-role --role-name ${heldRole} `]: {
          Role: { Tags: tagList(TAGS) },
        },
      };
      const logGroupAbsent = JSON.parse(LOG_GROUP_KIND.absent.REPLIES);
      const result = provisionAfter('provision', state, {
        REPLIES: JSON.stringify(roles),
        REFUSALS: JSON.stringify(logGroupAbsent),
      });
      // the log group's lookup answered with an error: the run stops there, the role already deleted
      assert.notEqual(result.status, 0);
      assert.ok(result.run.includes(ROLE_KIND.remove));
      assert.match(
        result.stderr,
        /looking for the aws:cloudwatch\/logGroup:LogGroup named \/proton\/staging\/orders\/staging .*: AWS refused the lookup .*delete it by hand: the state no longer names it/,
      );

      const sorted = provisionAfter('provision', state, {
        REPLIES: JSON.stringify({ ...roles, ...logGroupAbsent }),
      });
      assert.equal(sorted.status, 0, sorted.stderr);
      const deletions = sorted.run.filter(call => / delete-/.test(call));
      assert.deepEqual(deletions, [ROLE_KIND.remove]);
      assert.ok(!sorted.run.some(call => call.includes(heldRole)));
      assert.match(
        sorted.stdout,
        new RegExp(
          `the stack holds a aws:iam/role:Role named ${heldRole}: it is no leftover and stays`,
        ),
      );
      assert.match(sorted.stdout, /LogGroup .* is not in the account/);
      const byHand = sorted.stdout.slice(
        sorted.stdout.indexOf('were not looked for'),
      );
      assert.match(
        byHand,
        /:aws:ec2\/securityGroup:SecurityGroup::leftover \(no VPC to look it up in\)\n/,
      );
      assert.match(
        byHand,
        /::aws:ecs\/service:Service::leftover \(not a kind this script removes\)\n/,
      );
      assert.doesNotMatch(byHand, /listenerRule|providers/);
    });

    it('removes nothing when the refresh cannot take the stack (a run still holds its lock)', () => {
      const result = run('provision', ROLE_KIND, {
        REPLIES: JSON.stringify(ROLE_KIND.found(TAGS)),
        FAIL_ON: 'pulumi refresh',
      });
      assert.notEqual(result.status, 0);
      assert.ok(!result.run.some(call => call.startsWith('aws iam')));
    });

    it('stops when AWS refuses to look or to delete, with AWS’s error', () => {
      const denied = `An error occurred (AccessDenied) when calling the GetRole operation: not authorized to perform iam:GetRole`;
      for (const env of [
        {
          REFUSALS: JSON.stringify({
            [`aws iam get-role --role-name ${ROLE} `]: denied,
          }),
        },
        {
          REPLIES: JSON.stringify(ROLE_KIND.found(TAGS)),
          REFUSALS: JSON.stringify({
            [ROLE_KIND.remove]:
              'An error occurred (AccessDenied) when calling the DeleteRole operation',
          }),
        },
      ]) {
        const result = run('provision', ROLE_KIND, env);
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /An error occurred \(AccessDenied\)/);
        assert.match(
          result.stderr,
          new RegExp(
            `provision\\.sh: (looking for|deleting) the aws:iam/role:Role (named )?${ROLE}.*: AWS refused`,
          ),
        );
        assert.ok(!result.run.some(call => call.startsWith('pulumi up')));
      }
    });

    it('names in the log, for the destroy, what it does not look for', () => {
      const result = run('deprovision', {
        type: 'aws:lb/targetGroup:TargetGroup',
        name: 'orders-staging-1a2b3c4',
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        /delete them by hand \(the destroy cannot see them\):\n  urn:pulumi:.*::aws:lb\/targetGroup:TargetGroup::leftover \(not a kind this script removes\)\n/,
      );
      assert.ok(!result.run.some(call => call.startsWith('aws elbv2')));
    });
  });

  it('names the stack after the account and region it deploys to, so that two of them never share one', () => {
    const selected = env =>
      commands(
        provision('provision', setUp({ protonInputs: INSTANCE }), {
          ...SELF_MANAGED,
          ...env,
        }).calls,
      ).find(call => call.startsWith('pulumi stack select --create'));
    assert.equal(
      selected({ CALLER_ACCOUNT: '333333333333' }),
      'pulumi stack select --create --non-interactive 333333333333.us-east-1.orders.staging',
    );
    assert.equal(
      selected({ AWS_REGION: 'eu-west-1' }),
      'pulumi stack select --create --non-interactive 222222222222.eu-west-1.orders.staging',
    );
  });

  it('keeps a long name within Pulumi’s 100 characters, apart from its neighbours', () => {
    const named = service => {
      const inputs = structuredClone(INSTANCE);
      inputs.service.name = service;
      inputs.service_instance.name = 'i'.repeat(100);
      const select = commands(
        provision('provision', setUp({ protonInputs: inputs }), SELF_MANAGED)
          .calls,
      ).find(call => call.startsWith('pulumi stack select --create'));
      return select.split(' ').at(-1);
    };
    const one = named(`a${'b'.repeat(99)}`);
    const other = named(`a${'b'.repeat(98)}c`);
    assert.ok(one.length <= 100, one);
    assert.match(one, /^222222222222\.us-east-1\.abb+-[0-9a-f]{8}$/);
    assert.notEqual(one, other);
  });

  it('renames the stack an earlier version named without account and region, then deploys it', () => {
    const result = provision('provision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([{ name: 'orders.staging' }]),
    });
    assert.equal(result.status, 0, result.stderr);
    const run = commands(result.calls);
    const rename = run.indexOf(
      'pulumi stack rename 222222222222.us-east-1.orders.staging',
    );
    assert.equal(
      run[rename - 1],
      'pulumi stack select --non-interactive orders.staging',
    );
    assert.ok(
      rename <
        run.indexOf(
          'pulumi up --yes --non-interactive --skip-preview --diff=false',
        ),
    );
    // once renamed (or when both exist), it is never renamed again
    const again = provision('provision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([
        { name: '222222222222.us-east-1.orders.staging' },
        { name: 'orders.staging' },
      ]),
    });
    assert.ok(
      !commands(again.calls).some(call =>
        call.startsWith('pulumi stack rename'),
      ),
    );
  });

  it('takes over no stack of an earlier version that holds another account’s or region’s resources', () => {
    const foreign = JSON.stringify({
      deployment: {
        resources: [
          { outputs: { arn: 'arn:aws:iam::222222222222:role/orders-task' } },
          {
            outputs: {
              arn: 'arn:aws:ecs:eu-west-1:222222222222:service/staging/orders',
            },
          },
        ],
      },
    });
    const provisioned = provision(
      'provision',
      setUp({ protonInputs: INSTANCE }),
      {
        ...SELF_MANAGED,
        STACKS: JSON.stringify([{ name: 'orders.staging' }]),
        STACK_EXPORT: foreign,
      },
    );
    assert.notEqual(provisioned.status, 0);
    assert.match(
      provisioned.stderr,
      /stack orders.staging, named by an earlier version, holds resources of account 222222222222, region eu-west-1, not of this deployment's account 222222222222 and region us-east-1: rename it by hand/,
    );
    const run = commands(provisioned.calls);
    assert.ok(!run.some(call => call.startsWith('pulumi stack rename')));
    assert.ok(!run.some(call => call.startsWith('pulumi up')));
    const deprovisioned = provision(
      'deprovision',
      setUp({ protonInputs: INSTANCE }),
      {
        ...SELF_MANAGED,
        STACKS: JSON.stringify([{ name: 'orders.staging' }]),
        STACK_EXPORT: foreign,
      },
    );
    assert.notEqual(deprovisioned.status, 0);
    assert.ok(
      !commands(deprovisioned.calls).some(call =>
        call.startsWith('pulumi destroy'),
      ),
    );
  });

  it('deploys nothing when the stacks cannot be listed', () => {
    const result = provision('provision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      FAIL_ON: 'pulumi stack ls',
    });
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /could not list the stacks of the state backend/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi up')),
    );
  });

  describe('an ECS service’s rollout', () => {
    const OUTPUTS = {
      ecsServiceName: 'orders-staging',
      ecsClusterArn: 'arn:aws:ecs:us-east-1:222222222222:cluster/staging',
      taskDefinitionArn:
        'arn:aws:ecs:us-east-1:222222222222:task-definition/staging-orders-staging:8',
    };
    const deploy = primary =>
      provision('provision', setUp({ protonInputs: INSTANCE }), {
        ...SELF_MANAGED,
        STACK_OUTPUTS: JSON.stringify(OUTPUTS),
        PRIMARY_DEPLOYMENT: JSON.stringify(primary),
      });

    it('succeeds when the service runs the new task definition', () => {
      const result = deploy({
        taskDefinition: OUTPUTS.taskDefinitionArn,
        rolloutState: 'COMPLETED',
      });
      assert.equal(result.status, 0, result.stderr);
      const run = commands(result.calls);
      assert.ok(
        run.includes(
          'aws ecs describe-services --cluster arn:aws:ecs:us-east-1:222222222222:cluster/staging --services orders-staging --output json ' +
            '--query services[0].deployments[?status==`"PRIMARY"`] | [0].{taskDefinition: taskDefinition, rolloutState: rolloutState, rolloutStateReason: rolloutStateReason}',
        ),
      );
      assert.ok(run.at(-1).startsWith('aws proton notify'));
    });

    it('fails, reporting nothing to Proton, when the circuit breaker rolled it back', () => {
      const result = deploy({
        taskDefinition:
          'arn:aws:ecs:us-east-1:222222222222:task-definition/staging-orders-staging:7',
        rolloutState: 'COMPLETED',
        rolloutStateReason:
          'ECS deployment circuit breaker: rolled back to the previous deployment.',
      });
      assert.notEqual(result.status, 0);
      assert.match(
        result.stderr,
        /the rollout of arn:aws:ecs:us-east-1:222222222222:task-definition\/staging-orders-staging:8 failed and ECS rolled service orders-staging back to arn:aws:ecs:us-east-1:222222222222:task-definition\/staging-orders-staging:7 \(deployment circuit breaker\): ECS deployment circuit breaker: rolled back/,
      );
      assert.ok(
        !commands(result.calls).some(call => call.startsWith('aws proton')),
      );
    });

    it('fails when the rollout itself failed', () => {
      const result = deploy({
        taskDefinition: OUTPUTS.taskDefinitionArn,
        rolloutState: 'FAILED',
        rolloutStateReason: 'tasks failed to start',
      });
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /failed: tasks failed to start/);
    });

    it('fails saying so when the service is not found', () => {
      const result = deploy(null);
      assert.notEqual(result.status, 0);
      assert.match(
        result.stderr,
        /ECS service orders-staging of cluster .* has no primary deployment, or was not found/,
      );
    });

    it('is not checked for a stack without an ECS service', () => {
      const result = provision(
        'provision',
        setUp({ protonInputs: ENVIRONMENT }),
        {
          ...SELF_MANAGED,
          STACK_OUTPUTS: JSON.stringify({ vpcId: 'vpc-1' }),
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.ok(
        !commands(result.calls).some(call => call.startsWith('aws ecs')),
      );
    });
  });

  it('deploys again, reading the listener rules again, when another deployment took the same priority', () => {
    const result = provision(
      'provision',
      setUp({ protonInputs: INSTANCE_ON_LISTENER, prepare: PREPARE }),
      {
        ...SELF_MANAGED,
        FAIL_FIRST: 'pulumi up',
        FAIL_MESSAGE:
          'error: creating ELBv2 Listener Rule: PriorityInUse: Priority 40123 is currently in use',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const run = commands(result.calls);
    assert.equal(run.filter(call => call.startsWith('pulumi up')).length, 2);
    assert.equal(
      run.filter(call => call.startsWith('aws elbv2 describe-rules')).length,
      2,
    );
    assert.match(
      result.stdout,
      /PriorityInUse\); reading the rules again \(attempt 2 of 3\)/,
    );
  });

  it('does not deploy again after another failure', () => {
    const result = provision(
      'provision',
      setUp({ protonInputs: INSTANCE_ON_LISTENER, prepare: PREPARE }),
      {
        ...SELF_MANAGED,
        FAIL_FIRST: 'pulumi up',
        FAIL_MESSAGE: 'AccessDenied',
      },
    );
    assert.equal(result.status, 7);
    assert.equal(
      commands(result.calls).filter(call => call.startsWith('pulumi up'))
        .length,
      1,
    );
  });

  it('refuses a Pulumi CLI download without the pinned checksum', () => {
    const result = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT, cliInstalled: false }),
      SELF_MANAGED,
    );
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /does not have the pinned SHA-256 [0-9a-f]{64}; do not use it/,
    );
    assert.match(
      commands(result.calls)[0],
      new RegExp(
        `^curl .*https://get\\.pulumi\\.com/releases/sdk/pulumi-v${PULUMI_VERSION.replaceAll(
          '.',
          '\\.',
        )}-linux-x64\\.tar\\.gz$`,
      ),
    );
  });
});

describe('provision.sh deprovision', () => {
  it('destroys and removes the stack', () => {
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([
        { name: '222222222222.us-east-1.orders.staging' },
        // an earlier version's stack of the same name is another account's or region's now
        { name: 'orders.staging' },
      ]),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls).slice(-4), [
      'pulumi stack select --non-interactive 222222222222.us-east-1.orders.staging',
      'pulumi stack export',
      'pulumi destroy --yes --non-interactive --skip-preview',
      'pulumi stack rm --yes --non-interactive 222222222222.us-east-1.orders.staging',
    ]);
  });

  it('destroys the stack an earlier version named without account and region', () => {
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([{ name: 'orders.staging' }]),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls).slice(-4), [
      'pulumi stack select --non-interactive orders.staging',
      'pulumi stack export',
      'pulumi destroy --yes --non-interactive --skip-preview',
      'pulumi stack rm --yes --non-interactive orders.staging',
    ]);
  });

  it('clears the lock of an interrupted attempt and refreshes the state before destroying, naming what the destroy cannot see', () => {
    const stack = '222222222222.us-east-1.orders.staging';
    const urn = `urn:pulumi:${stack}::proton-fargate-service::aws:ecs/service:Service::orders-staging`;
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([{ name: stack }]),
      PROTON_DEPLOYMENT_ATTEMPT: '2',
      STACK_EXPORT: JSON.stringify({
        deployment: {
          resources: [],
          pending_operations: [{ resource: { urn }, type: 'creating' }],
        },
      }),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls).slice(-6), [
      `pulumi stack select --non-interactive ${stack}`,
      `pulumi cancel --yes --non-interactive --stack ${stack}`,
      'pulumi stack export',
      'pulumi refresh --yes --non-interactive --skip-preview --clear-pending-creates',
      'pulumi destroy --yes --non-interactive --skip-preview',
      `pulumi stack rm --yes --non-interactive ${stack}`,
    ]);
    assert.match(
      result.stdout,
      /were not looked for: if the account has them, delete them by hand \(the destroy cannot see them\):\n  urn:pulumi:.*::orders-staging \(not a kind this script removes\)\n/,
    );
  });

  it('fails, destroying nothing, when the stacks cannot be listed (never takes that for "no stack")', () => {
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([{ name: 'orders.staging' }]),
      FAIL_ON: 'pulumi stack ls',
    });
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /could not list the stacks of the state backend, so whether 222222222222\.us-east-1\.orders\.staging exists is unknown and nothing was changed/,
    );
    assert.doesNotMatch(result.stdout, /does not exist/);
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi destroy')),
    );
  });

  it('succeeds without doing anything when the stack does not exist', () => {
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: '[]',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /stack 222222222222\.us-east-1\.orders\.staging does not exist; nothing to destroy/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi destroy')),
    );
  });
});

describe('the service template’s prepare.sh', () => {
  it('reads the listener’s rules, with their priorities, path patterns, host headers and tags, into the configuration', () => {
    const inputs = structuredClone(INSTANCE);
    inputs.environment.outputs.listenerArn =
      'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/staging/1/2';
    const rules = {
      Rules: [
        {
          RuleArn:
            'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/staging/1/2/billing',
          Priority: '40007',
          IsDefault: false,
          Conditions: [
            {
              Field: 'path-pattern',
              PathPatternConfig: { Values: ['/billing', '/billing/*'] },
            },
            {
              Field: 'host-header',
              HostHeaderConfig: { Values: ['billing.example.com'] },
            },
          ],
        },
        {
          // a rule made by hand, in the condition's older form
          RuleArn:
            'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/staging/1/2/manual',
          Priority: '5',
          IsDefault: false,
          Conditions: [
            { Field: 'path-pattern', Values: ['/legacy/*'] },
            {
              Field: 'http-header',
              HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] },
            },
          ],
        },
        {
          RuleArn:
            'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/staging/1/2/default',
          Priority: 'default',
          IsDefault: true,
          Conditions: [],
        },
      ],
    };
    const own = rules.Rules[0].RuleArn;
    const result = provision(
      'provision',
      setUp({ protonInputs: inputs, prepare: PREPARE }),
      {
        ...SELF_MANAGED,
        LISTENER_RULES: JSON.stringify(rules),
        STACK_EXPORT: JSON.stringify({
          deployment: {
            resources: [
              {
                type: 'aws:lb/listenerRule:ListenerRule',
                outputs: { arn: own },
              },
            ],
          },
        }),
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const run = commands(result.calls);
    assert.ok(
      run.includes(
        `aws elbv2 describe-rules --listener-arn ${inputs.environment.outputs.listenerArn} --output json`,
      ),
    );
    const set = result.calls.find(
      call =>
        call.name === 'pulumi' &&
        call.args.slice(0, 3).join(' ') === 'config set listenerRules',
    );
    assert.deepEqual(JSON.parse(set.args[3]), [
      {
        arn: rules.Rules[0].RuleArn,
        priority: 40007,
        paths: ['/billing', '/billing/*'],
        hosts: ['billing.example.com'],
        otherConditions: false,
        tags: { 'proton:service': 'billing' },
      },
      {
        arn: rules.Rules[1].RuleArn,
        priority: 5,
        paths: ['/legacy/*'],
        hosts: [],
        // a header condition: it takes only part of the traffic of its path
        otherConditions: true,
        tags: { 'proton:service': 'manual' },
      },
    ]);
    // the rule its stack holds, known by its ARN
    assert.ok(run.includes(`pulumi config set ownListenerRuleArn ${own}`));
    // before the deployment
    assert.ok(
      run.findIndex(call =>
        call.startsWith('pulumi config set listenerRules'),
      ) < run.findIndex(call => call.startsWith('pulumi up')),
    );
  });

  /** The state an interrupted run left: the resource of `type` being created, not recorded. */
  const interrupted = (type, resources = []) =>
    JSON.stringify({
      deployment: {
        resources,
        pending_operations: [
          {
            resource: {
              urn: `urn:pulumi:222222222222.us-east-1.orders.staging::proton-fargate-service::${type}::orders-staging`,
            },
            type: 'creating',
          },
        ],
      },
    });

  it('refreshes the ECS service from AWS before a deployment that turns autoscaling off, and only then', () => {
    const serviceUrn =
      'urn:pulumi:222222222222.us-east-1.orders.staging::proton-fargate-service::aws:ecs/service:Service::orders-staging';
    const withTarget = JSON.stringify({
      deployment: {
        resources: [
          { type: 'aws:ecs/service:Service', urn: serviceUrn, outputs: {} },
          {
            type: 'aws:appautoscaling/target:Target',
            urn: 'urn:target',
            outputs: {},
          },
        ],
      },
    });
    const refresh = `pulumi refresh --yes --non-interactive --skip-preview --target ${serviceUrn}`;
    const run = (autoscalingMaxCount, stackExport) => {
      const inputs = structuredClone(INSTANCE);
      if (autoscalingMaxCount !== undefined) {
        inputs.service_instance.inputs.autoscalingMaxCount =
          autoscalingMaxCount;
      }
      const result = provision(
        'provision',
        setUp({ protonInputs: inputs, prepare: PREPARE }),
        { ...SELF_MANAGED, STACK_EXPORT: stackExport },
      );
      assert.equal(result.status, 0, result.stderr);
      return commands(result.calls);
    };
    // turned off (0, or left out: the default) while the stack holds a scaling target: refreshed first
    for (const off of [0, undefined]) {
      const calls = run(off, withTarget);
      assert.ok(calls.includes(refresh), String(off));
      assert.ok(
        calls.indexOf(refresh) <
          calls.findIndex(call => call.startsWith('pulumi up')),
      );
    }
    // still on, or never on: nothing to refresh
    assert.ok(!run(4, withTarget).includes(refresh));
    assert.ok(
      !run(0, JSON.stringify({ deployment: { resources: [] } })).some(call =>
        call.startsWith('pulumi refresh'),
      ),
    );
  });

  it('deletes the listener rule an interrupted run of this instance was creating, so that the deployment makes it again', () => {
    const rule = name =>
      `arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/staging/1/2/${name}`;
    const rules = JSON.stringify({
      Rules: [
        {
          // tagged as this instance's (orders/staging), not held by the stack
          RuleArn: rule('orders.staging'),
          Priority: '40007',
          IsDefault: false,
          Conditions: [{ Field: 'path-pattern', Values: ['/orders'] }],
        },
        {
          // another instance of the same service
          RuleArn: rule('orders.prod'),
          Priority: '40008',
          IsDefault: false,
          Conditions: [{ Field: 'path-pattern', Values: ['/orders-prod'] }],
        },
      ],
    });
    const creating = interrupted('aws:lb/listenerRule:ListenerRule');
    const deploy = env =>
      provision(
        'provision',
        setUp({ protonInputs: INSTANCE_ON_LISTENER, prepare: PREPARE }),
        {
          ...SELF_MANAGED,
          PROTON_DEPLOYMENT_ATTEMPT: '2',
          LISTENER_RULES: rules,
          ...env,
        },
      );
    const result = deploy({ STACK_EXPORT: creating });
    assert.equal(result.status, 0, result.stderr);
    const run = commands(result.calls);
    const deleted = run.indexOf(
      `aws elbv2 delete-rule --rule-arn ${rule('orders.staging')}`,
    );
    assert.ok(deleted >= 0);
    assert.ok(deleted < run.findIndex(call => call.startsWith('pulumi up')));
    assert.ok(
      !run.some(
        call =>
          call.includes(rule('orders.prod')) && call.includes('delete-rule'),
      ),
    );
    const set = result.calls.find(
      call =>
        call.name === 'pulumi' &&
        call.args.slice(0, 3).join(' ') === 'config set listenerRules',
    );
    assert.deepEqual(
      JSON.parse(set.args[3]).map(r => r.arn),
      [rule('orders.prod')],
    );
    assert.match(
      result.stdout,
      /deleted rule .*orders\.staging.*makes it again/,
    );

    // no interrupted run was creating it (the stack's state lost, say): the live rule is kept
    const lost = deploy({});
    assert.equal(lost.status, 0, lost.stderr);
    assert.ok(!commands(lost.calls).some(call => call.includes('delete-rule')));

    // it cannot be deleted: nothing is deployed
    const denied = deploy({
      STACK_EXPORT: creating,
      FAIL_ON: 'aws elbv2 delete-rule',
    });
    assert.notEqual(denied.status, 0);
    assert.match(
      denied.stderr,
      /could not delete rule .*elasticloadbalancing:DeleteRule/,
    );
    assert.ok(
      !commands(denied.calls).some(call => call.startsWith('pulumi up')),
    );
  });

  it('fails, deploying nothing, when the rules cannot be read', () => {
    const inputs = structuredClone(INSTANCE);
    inputs.environment.outputs.listenerArn =
      'arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/staging/1/2';
    const result = provision(
      'provision',
      setUp({ protonInputs: inputs, prepare: PREPARE }),
      {
        ...SELF_MANAGED,
        FAIL_ON: 'aws elbv2 describe-rules',
      },
    );
    assert.notEqual(result.status, 0);
    assert.match(
      result.stderr,
      /could not read the rules of listener .*elasticloadbalancing:DescribeRules/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi up')),
    );
  });
});

describe('the environment template’s prepare.sh', () => {
  const LISTENER = name =>
    `arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/staging/1/${name}`;
  const withListeners = JSON.stringify({
    deployment: {
      resources: [
        { type: 'aws:ecs/cluster:Cluster', outputs: { arn: 'arn:cluster' } },
        {
          type: 'aws:lb/listener:Listener',
          outputs: { arn: LISTENER('http'), port: 80 },
        },
        {
          type: 'aws:lb/listener:Listener',
          outputs: { arn: LISTENER('https'), port: 443 },
        },
      ],
    },
  });
  const rule = name =>
    `arn:aws:elasticloadbalancing:us-east-1:222222222222:listener-rule/app/staging/1/2/${name}`;
  const rules = JSON.stringify({
    Rules: [
      {
        RuleArn: rule('orders.prod'),
        Priority: '40007',
        IsDefault: false,
        Conditions: [],
      },
      {
        RuleArn: rule('manual'),
        Priority: '5',
        IsDefault: false,
        Conditions: [],
      },
      {
        RuleArn: rule('default'),
        Priority: 'default',
        IsDefault: true,
        Conditions: [],
      },
    ],
  });
  const run = env =>
    provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT, prepare: ENVIRONMENT_PREPARE }),
      { ...SELF_MANAGED, ...env },
    );
  const configSet = (result, key) => {
    const call = result.calls.find(
      c =>
        c.name === 'pulumi' &&
        c.args.slice(0, 3).join(' ') === `config set ${key}`,
    );
    return call?.args[3];
  };

  it('counts the Region’s availability zones and reads which listeners services route through, before the deployment', () => {
    const result = run({
      AZ_COUNT: '2',
      STACK_EXPORT: withListeners,
      LISTENER_RULES: rules,
    });
    assert.equal(result.status, 0, result.stderr);
    const calls = commands(result.calls);
    assert.ok(
      calls.includes(
        // as the provider lists them for awsx: every zone of the account, opted-in Local Zones included
        'aws ec2 describe-availability-zones --query length(AvailabilityZones) --output text',
      ),
    );
    assert.equal(configSet(result, 'availabilityZoneCount'), '2');
    for (const name of ['http', 'https']) {
      assert.ok(
        calls.includes(
          `aws elbv2 describe-rules --listener-arn ${LISTENER(
            name,
          )} --output json`,
        ),
      );
    }
    const inUse = [
      { arn: rule('orders.prod'), service: 'orders', instance: 'prod' },
      { arn: rule('manual'), service: 'manual', instance: null },
    ];
    assert.deepEqual(JSON.parse(configSet(result, 'listenersInUse')), [
      { listenerArn: LISTENER('http'), port: 80, rules: inUse },
      { listenerArn: LISTENER('https'), port: 443, rules: inUse },
    ]);
    assert.ok(
      calls.findIndex(call =>
        call.startsWith('pulumi config set listenersInUse'),
      ) < calls.findIndex(call => call.startsWith('pulumi up')),
    );
  });

  it('keeps the zones of the VPC the stack holds, without asking the Region, and skips a listener the state names without an ARN', () => {
    const result = run({
      AZ_COUNT: '6',
      LISTENER_RULES: rules,
      STACK_EXPORT: JSON.stringify({
        deployment: {
          resources: [
            {
              type: 'awsx:ec2:Vpc',
              outputs: { privateSubnetIds: ['subnet-a', 'subnet-b'] },
            },
            { type: 'aws:lb/listener:Listener', outputs: { port: 80 } },
          ],
        },
      }),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(configSet(result, 'availabilityZoneCount'), '2');
    const calls = commands(result.calls);
    assert.ok(!calls.some(call => call.startsWith('aws ec2')));
    assert.ok(!calls.some(call => call.startsWith('aws elbv2')));
    assert.equal(configSet(result, 'listenersInUse'), '[]');
  });

  it('reads no rules for a stack without listeners', () => {
    const result = run({});
    assert.equal(result.status, 0, result.stderr);
    assert.equal(configSet(result, 'listenersInUse'), '[]');
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('aws elbv2')),
    );
  });

  it('skips a listener deleted outside the template, and fails on any other error, deploying nothing', () => {
    const gone = run({
      STACK_EXPORT: withListeners,
      LISTENER_RULES: rules,
      FAIL_FIRST: 'aws elbv2 describe-rules',
      FAIL_MESSAGE:
        'An error occurred (ListenerNotFound) when calling the DescribeRules operation: One or more listeners not found',
    });
    assert.equal(gone.status, 0, gone.stderr);
    assert.deepEqual(
      JSON.parse(configSet(gone, 'listenersInUse')).map(l => l.port),
      [443],
    );
    for (const failing of [
      'aws elbv2 describe-rules',
      'aws ec2 describe-availability-zones',
    ]) {
      const failed = run({
        STACK_EXPORT: withListeners,
        LISTENER_RULES: rules,
        FAIL_ON: failing,
      });
      assert.notEqual(failed.status, 0, failing);
      assert.match(
        failed.stderr,
        /prepare\.sh: could not (read the rules of listener|list the Region's availability zones)/,
      );
      assert.ok(
        !commands(failed.calls).some(call => call.startsWith('pulumi up')),
        failing,
      );
    }
  });
});
