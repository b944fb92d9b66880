import {
  parseProtonSchema,
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The schemas of the template bundles in templates/proton, read by the converter the control plane,
 * the scaffolder actions and the generated wizards all use: sample inputs accepted and rejected. (That
 * each minor version is backward compatible with the one before is checked where versions come from
 * Git history: the control plane's registration of each synced commit, which the demo runs.)
 */
const TEMPLATES = path.resolve(__dirname, '../../../templates/proton');
const read = (file: string) =>
  parseProtonSchema(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'));

describe('template bundle schemas', () => {
  const environment = read('fargate-env/v1/schema/schema.yaml');
  const service11 = read('fargate-service/v1/schema/schema.yaml');
  const existing = read('existing-fargate-env/v1/schema/schema.yaml');

  it('parse without warnings', () => {
    for (const schema of [environment, service11, existing]) {
      expect(schema.warnings).toEqual([]);
    }
  });

  it('fargate-env accepts valid CIDR blocks from /16 to /24 and fills in defaults', () => {
    const result = validateEnvironmentSpec(environment, {
      proton: 'EnvironmentSpec',
      spec: { vpcCidrBlock: '10.20.0.0/16' },
    });
    expect(result.errors).toEqual([]);
    expect(result.spec.spec).toMatchObject({
      vpcCidrBlock: '10.20.0.0/16',
      natGateways: expect.any(String),
      loadBalancer: expect.any(Boolean),
      logRetentionDays: expect.any(Number),
    });
  });

  it('fargate-env rejects bad CIDR blocks, NAT modes and retention periods, naming each field', () => {
    const result = validateEnvironmentSpec(environment, {
      proton: 'EnvironmentSpec',
      spec: {
        vpcCidrBlock: '10.0.0.0/8',
        natGateways: 'Many',
        logRetentionDays: 2,
      },
    });
    expect(result.errors.map(e => e.path).sort()).toEqual([
      'spec.logRetentionDays',
      'spec.natGateways',
      'spec.vpcCidrBlock',
    ]);
    for (const cidr of [
      '256.0.0.0/16',
      '10.0.0.0/25',
      '10.0.0/16',
      ' 10.0.0.0/16',
    ]) {
      expect(
        validateEnvironmentSpec(environment, {
          proton: 'EnvironmentSpec',
          spec: { vpcCidrBlock: cidr },
        }).valid,
      ).toBe(false);
    }
  });

  it('fargate-service accepts an instance with only its path and fills in the rest', () => {
    const result = validateServiceInstanceSpec(service11, { path: '/hello' });
    expect(result.errors).toEqual([]);
    expect(result.spec).toMatchObject({
      path: '/hello',
      port: 80,
      desiredCount: expect.any(Number),
      healthCheckGracePeriodSeconds: 0,
    });
  });

  it('fargate-service rejects bad ports, counts, paths and variable names, naming each field', () => {
    const result = validateServiceInstanceSpec(
      service11,
      {
        path: 'no-slash',
        port: 70000,
        desiredCount: 11,
        environmentVariables: [{ name: '1BAD', value: 'x' }],
      },
      { pathPrefix: 'instances[0].spec' },
    );
    expect(result.errors.map(e => `${e.path}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        'instances[0].spec.port: must be <= 65535',
        'instances[0].spec.desiredCount: must be <= 10',
        expect.stringMatching(/^instances\[0\]\.spec\.path: /),
        expect.stringMatching(
          /^instances\[0\]\.spec\.environmentVariables\[0\]\.name: /,
        ),
      ]),
    );
  });
});
