import * as pulumi from '@pulumi/pulumi';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  cidrBlockProblem,
  CONTAINER_INSIGHTS,
  DEFAULTS,
  LOG_RETENTION_DAYS,
  NAT_GATEWAY_STRATEGIES,
  PATTERNS,
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
      templateVersion: '1.7',
      ...DEFAULTS,
      httpsCertificateArn: undefined,
      domainName: undefined,
      accessLogsBucket: undefined,
      webAclArn: undefined,
    });
  });

  it('keeps the program defaults equal to the schema defaults', () => {
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual(properties[key].default, value, key);
    }
    // every input has a default, or is optional without one and matched by a pattern
    assert.deepEqual(
      Object.keys(properties).sort(),
      [...Object.keys(DEFAULTS), ...Object.keys(PATTERNS)].sort(),
    );
    for (const key of Object.keys(PATTERNS)) {
      assert.equal(properties[key].default, undefined, key);
      assert.ok(!(inputType.required ?? []).includes(key), key);
    }
  });

  it('keeps the schema patterns equal to the program patterns', () => {
    for (const [key, pattern] of Object.entries(PATTERNS)) {
      assert.equal(properties[key].pattern, pattern, key);
    }
  });

  it('keeps the schema enums equal to what the program accepts', () => {
    assert.deepEqual(properties.containerInsights.enum, [
      ...CONTAINER_INSIGHTS,
    ]);
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
    assert.throws(
      () =>
        read({
          httpsCertificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
        }),
      /Input httpsCertificateArn \("arn:aws:iam::123456789012:server-certificate\/x"\) must be the ARN of an ACM certificate/,
    );
    assert.throws(
      () => read({ domainName: 'Apps.Example.com' }),
      /Input domainName \("Apps.Example.com"\) must be a lowercase DNS name/,
    );
    assert.throws(
      () => read({ domainName: `${'a'.repeat(60)}.`.repeat(5) + 'com' }),
      {
        message:
          'Input domainName is 308 characters; a DNS name has at most 253',
      },
    );
    assert.throws(
      () => read({ accessLogsBucket: 'My_Bucket' }),
      /Input accessLogsBucket \("My_Bucket"\) must be the name of an S3 bucket/,
    );
    assert.throws(
      () =>
        read({
          webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0',
        }),
      /Input webAclArn .* must be the ARN of a regional AWS WAF web ACL/,
    );
  });

  it('refuses a certificate without the domain name it covers, and an unknown Container Insights setting', () => {
    assert.throws(() => read({ httpsCertificateArn: CERTIFICATE }), {
      message:
        "Input domainName is required with httpsCertificateArn: services are reached over HTTPS at a name the certificate covers, never at the load balancer's own DNS name",
    });
    assert.equal(
      read({ httpsCertificateArn: CERTIFICATE, domainName: 'apps.example.com' })
        .httpsCertificateArn,
      CERTIFICATE,
    );
    assert.throws(
      () => read({ containerInsights: 'true' }),
      /Input containerInsights \("true"\) must be one of default, enabled, enhanced, disabled/,
    );
  });

  it('refuses load balancer settings for an environment without a load balancer', () => {
    assert.throws(
      () =>
        read({
          loadBalancer: 'false',
          httpsCertificateArn: CERTIFICATE,
          domainName: 'apps.example.com',
          webAclArn: WEB_ACL,
        }),
      {
        message:
          'Input httpsCertificateArn, domainName, webAclArn configure the load balancer, and loadBalancer is false: enable the load balancer or leave them out',
      },
    );
    assert.throws(
      () => read({ loadBalancer: 'false', accessLogsBucket: 'logs' }),
      /Input accessLogsBucket configures the load balancer, and loadBalancer is false/,
    );
  });

  it('takes an empty optional input as absent', () => {
    const inputs = read({ httpsCertificateArn: '', domainName: '' });
    assert.equal(inputs.httpsCertificateArn, undefined);
    assert.equal(inputs.domainName, undefined);
  });
});

const CERTIFICATE =
  'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const WEB_ACL =
  'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/apps/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('optional input patterns', () => {
  const cases: Record<
    keyof typeof PATTERNS,
    { valid: string[]; invalid: string[] }
  > = {
    httpsCertificateArn: {
      valid: [
        CERTIFICATE,
        'arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc',
        'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
      ],
      invalid: [
        '',
        'arn:aws:acm:eu-west-1:12345678901:certificate/abc',
        'arn:aws:acm:eu-west-1:123456789012:certificate/',
        'arn:aws:acm::123456789012:certificate/abc',
        `${CERTIFICATE} `,
        'arn:aws:iam::123456789012:server-certificate/abc',
      ],
    },
    domainName: {
      valid: ['apps.example.com', 'a.b', 'x-1.example.co.uk', 'example.com'],
      invalid: [
        '',
        'localhost',
        'Apps.example.com',
        '-a.example.com',
        'a-.example.com',
        '*.example.com',
        'a..com',
        '10.0.0.1',
        'example.com.',
      ],
    },
    accessLogsBucket: {
      valid: ['logs', 'my.alb-logs.2026', 'a'.repeat(63)],
      invalid: ['ab', 'a'.repeat(64), 'Logs', 'my_logs', '-logs', 'logs-'],
    },
    webAclArn: {
      valid: [WEB_ACL],
      invalid: [
        '',
        'arn:aws:wafv2:eu-west-1:123456789012:global/webacl/apps/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        'arn:aws:waf-regional:eu-west-1:123456789012:webacl/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      ],
    },
  };
  for (const [key, { valid, invalid }] of Object.entries(cases)) {
    it(`${key}: the schema and the program accept the valid and refuse the rest`, () => {
      const pattern = new RegExp(properties[key].pattern);
      for (const value of valid) {
        assert.ok(pattern.test(value), value);
        const withDomain: Record<string, string> =
          key === 'httpsCertificateArn'
            ? { domainName: 'apps.example.com' }
            : {};
        assert.equal(
          (read({ [key]: value, ...withDomain }) as any)[key],
          value,
        );
      }
      for (const value of invalid) {
        assert.ok(!pattern.test(value), value);
        if (value !== '')
          assert.throws(
            () => read({ [key]: value }),
            new RegExp(`Input ${key}`),
          );
      }
    });
  }
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
