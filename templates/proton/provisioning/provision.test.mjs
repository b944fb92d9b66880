// Tests of provision.sh with stand-ins for pulumi, aws, npm and curl that record how they are called.
// No network, no Pulumi CLI, no AWS: run with `node --test provisioning/`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
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
const fail = (process.env.FAIL_ON || '').split(',').filter(Boolean);
if (fail.some(prefix => (name + ' ' + args.join(' ')).startsWith(prefix))) { console.error('stand-in failure'); process.exit(7); }
if (name === 'pulumi' && args[0] === 'version') console.log('v${PULUMI_VERSION}');
if (name === 'pulumi' && args.join(' ') === 'stack output --json') console.log(process.env.STACK_OUTPUTS || '{}');
if (name === 'pulumi' && args.join(' ') === 'stack ls --json') console.log(process.env.STACKS || '[]');
if (name === 'aws' && args[0] === 'secretsmanager') console.log('pul-token-from-secret');
if (name === 'curl') fs.writeFileSync(args[args.indexOf('--output') + 1], 'not the pulumi archive');
`;

function setUp({ protonInputs, cliInstalled = true, backendFile }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-'));
  const work = path.join(dir, 'bundle');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(work);
  fs.mkdirSync(bin);
  for (const file of ['provision.sh', 'proton.jq', 'pulumi-backend.env']) {
    fs.copyFileSync(path.join(here, file), path.join(work, file));
  }
  if (backendFile !== undefined)
    fs.writeFileSync(path.join(work, 'pulumi-backend.env'), backendFile);
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
      'pulumi stack select --create --non-interactive staging',
      'pulumi config set-all --plaintext vpcCidrBlock=10.0.0.0/16 --plaintext loadBalancer=true --plaintext logRetentionDays=30 --plaintext protonEnvironmentName=staging',
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
        'pulumi stack select --create --non-interactive acme/proton-fargate-service/orders.staging',
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
      /provision.sh: failed while deploying stack staging \(pulumi up\) \(exit 7\)/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('aws proton')),
    );
  });

  it('clears the lock an interrupted attempt left before deploying again, and only then', () => {
    const cancel = 'pulumi cancel --yes --non-interactive --stack staging';
    const first = provision('provision', setUp({ protonInputs: ENVIRONMENT }), {
      ...SELF_MANAGED,
      PROTON_DEPLOYMENT_ATTEMPT: '1',
    });
    assert.equal(first.status, 0, first.stderr);
    assert.ok(!commands(first.calls).includes(cancel));
    const resumed = provision(
      'provision',
      setUp({ protonInputs: ENVIRONMENT }),
      { ...SELF_MANAGED, PROTON_DEPLOYMENT_ATTEMPT: '2' },
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    const run = commands(resumed.calls);
    assert.ok(run.indexOf(cancel) >= 0);
    assert.ok(
      run.indexOf(cancel) <
        run.indexOf(
          'pulumi up --yes --non-interactive --skip-preview --diff=false',
        ),
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
      /no interrupted update of stack staging to cancel/,
    );
    assert.ok(
      commands(unlocked.calls).some(call => call.startsWith('pulumi up')),
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
      STACKS: JSON.stringify([{ name: 'orders.staging' }]),
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls).slice(-3), [
      'pulumi stack select --non-interactive orders.staging',
      'pulumi destroy --yes --non-interactive --skip-preview',
      'pulumi stack rm --yes --non-interactive orders.staging',
    ]);
  });

  it('clears the lock of an interrupted attempt before destroying', () => {
    const result = provision('deprovision', setUp({ protonInputs: INSTANCE }), {
      ...SELF_MANAGED,
      STACKS: JSON.stringify([{ name: 'orders.staging' }]),
      PROTON_DEPLOYMENT_ATTEMPT: '2',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(commands(result.calls).slice(-4), [
      'pulumi stack select --non-interactive orders.staging',
      'pulumi cancel --yes --non-interactive --stack orders.staging',
      'pulumi destroy --yes --non-interactive --skip-preview',
      'pulumi stack rm --yes --non-interactive orders.staging',
    ]);
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
      /could not list the stacks of the state backend, so whether orders.staging exists is unknown and nothing was destroyed/,
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
      /stack orders.staging does not exist; nothing to destroy/,
    );
    assert.ok(
      !commands(result.calls).some(call => call.startsWith('pulumi destroy')),
    );
  });
});
