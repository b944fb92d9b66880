import vm from 'node:vm';
import {
  AWS_NAME_PROBLEM_SOURCE,
  AWS_NAMING_RULES,
  AwsNamingRule,
} from './awsNamingRules';

/** The function the mock program runs, evaluated from the same text. */
const awsNameProblem: (
  rule: AwsNamingRule,
  name: string,
) => string | undefined = vm.runInNewContext(`(${AWS_NAME_PROBLEM_SOURCE})`);

const problem = (type: string, name: string) =>
  awsNameProblem(AWS_NAMING_RULES[type], name);

/** Every printable ASCII character, to hold each rule's character class against its pattern. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) =>
  String.fromCharCode(32 + i),
);

describe('AWS naming rules', () => {
  it.each(Object.entries(AWS_NAMING_RULES))(
    '%s: a name of the longest allowed length passes, one character more fails, as does an empty one',
    (_type, rule) => {
      const longest = 'a'.repeat(rule.maxLength);
      expect(awsNameProblem(rule, longest)).toBeUndefined();
      expect(awsNameProblem(rule, `${longest}a`)).toContain(
        `more than ${rule.maxLength} characters (${rule.maxLength + 1})`,
      );
      expect(awsNameProblem(rule, '')).toContain(
        `fewer than ${rule.minLength} characters`,
      );
      expect(awsNameProblem(rule, `${longest}a`)).toContain(`(${rule.source})`);
    },
  );

  it.each(Object.entries(AWS_NAMING_RULES))(
    '%s: each character is accepted exactly when the rule lists it',
    (_type, rule) => {
      const allowed = new RegExp(`^${rule.characters}$`);
      // in the middle of a name that is otherwise valid, where every rule allows any of its characters
      const verdicts = PRINTABLE.map(character => ({
        character,
        allowed: allowed.test(character),
        problem: awsNameProblem(rule, `ab${character}cd`),
      }));
      expect(verdicts.filter(v => v.allowed && v.problem)).toEqual([]);
      expect(
        verdicts.filter(
          v =>
            !v.allowed &&
            !v.problem?.includes(
              `characters AWS does not allow (${JSON.stringify(v.character)})`,
            ),
        ),
      ).toEqual([]);
    },
  );

  it.each([
    ['aws:lb/targetGroup:TargetGroup', 'orders-dev-3fa9c2b'],
    ['aws:iam/role:Role', 'orders_api-dev-execution-3fa9c2b'],
    ['aws:ec2/securityGroup:SecurityGroup', 'orders (dev)'],
    ['aws:cloudwatch/logGroup:LogGroup', '/proton/dev/orders/dev'],
    ['aws:ecs/taskDefinition:TaskDefinition', 'dev-orders_api-dev'],
    ['aws:ecr/repository:Repository', 'orders/api-images'],
    ['aws:s3/bucket:Bucket', 'orders-pipeline-artifacts-3fa9c2b'],
    ['aws:s3/bucket:Bucket', 'orders.artifacts.1.2'],
    ['aws:codepipeline/pipeline:Pipeline', 'orders@main.pipeline'],
  ])('%s accepts %j', (type, name) => {
    expect(problem(type, name)).toBeUndefined();
  });

  it.each([
    ['aws:lb/targetGroup:TargetGroup', 'orders_api-dev', '("_")'],
    // a 15-character service and a 13-character instance, with Pulumi's suffix: 37 characters
    [
      'aws:lb/targetGroup:TargetGroup',
      'checkout-portal-production-eu-3fa9c2b',
      'more than 32 characters (37)',
    ],
    [
      'aws:lb/targetGroup:TargetGroup',
      '-orders',
      'in an order AWS does not allow',
    ],
    [
      'aws:lb/targetGroup:TargetGroup',
      'orders-',
      'in an order AWS does not allow',
    ],
    [
      'aws:lb/loadBalancer:LoadBalancer',
      'internal-dev',
      'reserved prefix "internal-"',
    ],
    ['aws:iam/role:Role', 'orders api', '(" ")'],
    [
      'aws:ec2/securityGroup:SecurityGroup',
      'sg-orders',
      'reserved prefix "sg-"',
    ],
    ['aws:cloudwatch/logGroup:LogGroup', '/proton/dev/orders:dev', '(":")'],
    ['aws:ecs/service:Service', 'orders.api', '(".")'],
    ['aws:ecr/repository:Repository', 'Orders', '("O")'],
    [
      'aws:ecr/repository:Repository',
      'orders//api',
      'in an order AWS does not allow',
    ],
    ['aws:s3/bucket:Bucket', 'ab', 'fewer than 3 characters (2)'],
    ['aws:s3/bucket:Bucket', 'Orders', '("O")'],
    ['aws:s3/bucket:Bucket', 'xn--orders', 'reserved prefix "xn--"'],
    ['aws:s3/bucket:Bucket', 'orders-s3alias', 'reserved suffix "-s3alias"'],
    [
      'aws:s3/bucket:Bucket',
      'orders..artifacts',
      'in an order AWS does not allow',
    ],
    ['aws:s3/bucket:Bucket', '192.168.5.4', 'in an order AWS does not allow'],
    [
      'aws:s3/bucket:Bucket',
      'amzn-s3-demo-orders',
      'reserved prefix "amzn-s3-demo-"',
    ],
    ['aws:s3/bucket:Bucket', 'orders--x-s3', 'reserved suffix "--x-s3"'],
    [
      'aws:codebuild/project:Project',
      '_build',
      'in an order AWS does not allow',
    ],
  ])('%s refuses %j: %s', (type, name, expected) => {
    const found = problem(type, name);
    expect(found).toContain(expected);
    expect(found).toContain(JSON.stringify(name));
  });

  it('says what is wrong, with the rule and where AWS documents it, in one sentence', () => {
    expect(
      problem(
        'aws:lb/targetGroup:TargetGroup',
        'checkout_portal-production-eu-3fa9c2b',
      ),
    ).toBe(
      'the target group name "checkout_portal-production-eu-3fa9c2b" has more than 32 characters (37), ' +
        'characters AWS does not allow ("_"); AWS allows at most 32 characters, letters, digits and ' +
        'hyphens, not beginning or ending with a hyphen (Elastic Load Balancing CreateTargetGroup, Name)',
    );
  });
});
