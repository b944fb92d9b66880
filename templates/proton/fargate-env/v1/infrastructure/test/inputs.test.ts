import * as pulumi from '@pulumi/pulumi';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  cidrBlockProblem,
  DEFAULTS,
  LOG_RETENTION_DAYS,
  NAT_GATEWAY_STRATEGIES,
  readEnvironmentInputs,
} from '../inputs';
import { readProject } from './pulumiMocks';

const schema = parse(
  fs.readFileSync(path.resolve(__dirname, '../../schema/schema.yaml'), 'utf8'),
).schema;
const inputType = schema.types[schema.environment_input_type];
const properties = inputType.properties;

function read(config: Record<string, string>) {
  const project = readProject();
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries({
        protonEnvironmentName: 'dev',
        ...project.defaults,
        ...config,
      }).map(([key, value]) => [`${project.name}:${key}`, value]),
    ),
  );
  return readEnvironmentInputs(new pulumi.Config(project.name));
}

describe('environment inputs', () => {
  it('uses the schema defaults for inputs that are not set', () => {
    assert.deepEqual(read({}), {
      environmentName: 'dev',
      templateVersion: '1.1',
      ...DEFAULTS,
    });
  });

  it('keeps the program defaults equal to the schema defaults', () => {
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual(properties[key].default, value, key);
    }
    assert.deepEqual(
      Object.keys(properties).sort(),
      Object.keys(DEFAULTS).sort(),
    );
  });

  it('keeps the schema enums equal to what the program accepts', () => {
    assert.deepEqual(properties.natGateways.enum, [...NAT_GATEWAY_STRATEGIES]);
    assert.deepEqual(properties.logRetentionDays.enum, [...LOG_RETENTION_DAYS]);
  });

  it('reads typed values', () => {
    const inputs = read({
      loadBalancer: 'false',
      logRetentionDays: '731',
      natGateways: 'None',
    });
    assert.equal(inputs.loadBalancer, false);
    assert.equal(inputs.logRetentionDays, 731);
    assert.equal(inputs.natGateways, 'None');
  });

  it('names the input and the problem when a value is invalid', () => {
    assert.throws(() => read({ vpcCidrBlock: '10.0.0.1/16' }), {
      message:
        'Input vpcCidrBlock ("10.0.0.1/16") has host bits set; did you mean 10.0.0.0/16?',
    });
    assert.throws(
      () => read({ natGateways: 'Two' }),
      /Input natGateways \("Two"\) must be one of None, Single, OnePerAz/,
    );
    assert.throws(
      () => read({ logRetentionDays: '2' }),
      /Input logRetentionDays \(2\) must be one of CloudWatch's periods/,
    );
    assert.throws(() => read({ loadBalancer: 'yes' }), /loadBalancer/);
  });
});

describe('VPC CIDR blocks', () => {
  const pattern = new RegExp(properties.vpcCidrBlock.pattern);
  const valid = [
    '10.0.0.0/16',
    '172.31.0.0/16',
    '192.168.10.0/24',
    '10.255.240.0/20',
    '0.0.0.0/16',
  ];
  const invalid = [
    '10.0.0.0/8',
    '10.0.0.0/15',
    '10.0.0.0/25',
    '10.0.0.0/32',
    '256.0.0.0/16',
    '10.0.0.300/24',
    '010.0.0.0/16',
    '10.0.0/16',
    '10.0.0.0',
    'x10.0.0.0/16',
    '10.0.0.0/16x',
    '10.0.0.0/16 ',
    ' 10.0.0.0/16',
    '10.0.0.0.0/16',
    '1O.0.0.0/16',
    '',
  ];

  it('the schema pattern accepts valid /16 to /24 blocks', () => {
    for (const value of valid) assert.ok(pattern.test(value), value);
  });

  it('the schema pattern rejects everything else, anchored at both ends', () => {
    for (const value of invalid) assert.ok(!pattern.test(value), value);
  });

  it('the program agrees with the pattern and also rejects host bits', () => {
    for (const value of valid)
      assert.equal(cidrBlockProblem(value), undefined, value);
    for (const value of invalid)
      assert.notEqual(cidrBlockProblem(value), undefined, value);
    assert.match(
      cidrBlockProblem('10.0.1.0/16')!,
      /did you mean 10\.0\.0\.0\/16/,
    );
    assert.equal(cidrBlockProblem('10.0.1.0/24'), undefined);
  });
});
