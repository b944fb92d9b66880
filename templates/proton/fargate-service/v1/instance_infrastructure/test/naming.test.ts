import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AWS_NAMES,
  awsName,
  nameUnlessPulumiFits,
  pulumiNameFits,
} from '../naming';

// naming.ts is the same file in every bundle (test-all.sh checks the copies against
// templates/proton/provisioning/naming.ts): this tests it for all of them.

/**
 * AWS's documented rules, written here from the API references rather than from naming.ts, so that
 * the test does not check the rule against itself.
 */
const AWS_PATTERNS = {
  // Elastic Load Balancing CreateLoadBalancer / CreateTargetGroup Name: 32 characters, alphanumeric
  // and hyphens, not beginning or ending with a hyphen; a load balancer's not beginning with internal-
  loadBalancer: /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/,
  targetGroup: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/,
  // IAM CreateRole RoleName
  iamRole: /^[\w+=,.@-]{1,64}$/,
  // ECS RegisterTaskDefinition family
  ecs: /^[A-Za-z0-9_-]{1,255}$/,
  // ECR CreateRepository repositoryName
  ecrRepository:
    /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  // S3 general purpose bucket names
  s3Bucket:
    /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  // CodeBuild CreateProject name
  codebuildProject: /^[A-Za-z0-9][A-Za-z0-9\-_]{1,149}$/,
  // CodePipeline CreatePipeline name
  codepipeline: /^[A-Za-z0-9.@\-_]{1,100}$/,
};

/** A seeded generator, so that a failure names a case that comes back. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  mixed: 'aZ9-_',
};

/**
 * Proton names (`[0-9A-Za-z]+[0-9A-Za-z_\-]*`, 1 to 100 characters) of every length and character
 * class, plus the awkward ones: only hyphens and underscores after the first character, and names
 * that map to the same text.
 */
function protonNames(): string[] {
  const next = random(17);
  const pick = (chars: string) => chars[Math.floor(next() * chars.length)];
  const names: string[] = [];
  for (let length = 1; length <= 100; length++) {
    for (const chars of Object.values(CLASSES)) {
      // the first character a letter or digit, as Proton's pattern wants
      let name = pick(chars.replace(/[-_]/g, ''));
      while (name.length < length) name += pick(chars);
      names.push(name);
    }
  }
  names.push(
    'a_b',
    'a-b',
    'internal-tools',
    'x'.repeat(100),
    `y${'_'.repeat(99)}`,
  );
  names.push(`${'z'.repeat(99)}1`, `${'z'.repeat(99)}2`);
  return names;
}

const NAMES = protonNames();
const suffixes = random(29);
/** Pulumi's own suffix: a hyphen and 7 random lowercase hexadecimal characters. */
const pulumiSuffix = () =>
  `-${Math.floor(suffixes() * 0x10000000)
    .toString(16)
    .padStart(7, '0')}`;
/** A role of the bundles: Pulumi's name, or one hashed with the account and region too. */
const role = (logicalName: string, parts: string[]) =>
  pulumiNameFits(logicalName, AWS_NAMES.iamRole)
    ? `${logicalName}${pulumiSuffix()}`
    : awsName(parts, AWS_NAMES.iamRole, ['123456789012', 'eu-west-1']);
/** The name AWS gets: the program's, or the one Pulumi's provider makes from the logical name. */
const physical = (given: string | undefined, logicalName: string) =>
  given ?? `${logicalName}${pulumiSuffix()}`;

/** Each name the bundles give or leave to Pulumi, for a service, an instance and an environment. */
function bundleNames(service: string, instance: string, environment: string) {
  const name = `${service}-${instance}`;
  return {
    loadBalancer: physical(
      nameUnlessPulumiFits(environment, [environment], AWS_NAMES.loadBalancer),
      environment,
    ),
    targetGroup: physical(
      nameUnlessPulumiFits(name, [service, instance], AWS_NAMES.targetGroup, [
        '8080',
      ]),
      name,
    ),
    iamRole: role(`${name}-execution`, [service, instance, 'execution']),
    pipelineRole: role(`${service}-pipeline-build`, [
      service,
      'pipeline-build',
    ]),
    ecs: awsName([environment, service, instance], AWS_NAMES.ecs),
    ecrRepository: awsName([service, 'images'], AWS_NAMES.ecrRepository),
    // Pulumi lowercases the S3 bucket names it makes
    s3Bucket: pulumiNameFits(
      `${service}-pipeline-artifacts`,
      AWS_NAMES.s3Bucket,
    )
      ? `${service}-pipeline-artifacts${pulumiSuffix()}`.toLowerCase()
      : awsName([service, 'pipeline-artifacts'], AWS_NAMES.s3Bucket, [
          '123456789012',
          'eu-west-1',
        ]),
    codebuildProject: awsName([service, 'build'], AWS_NAMES.codebuildProject),
    codepipeline: awsName([service, 'pipeline'], AWS_NAMES.codepipeline),
  };
}

const PATTERN_OF: Record<string, RegExp> = {
  ...AWS_PATTERNS,
  pipelineRole: AWS_PATTERNS.iamRole,
};

describe('AWS names from Proton names', () => {
  it('fit AWS’s documented rules for Proton names of every length and character class', () => {
    const refused: string[] = [];
    NAMES.forEach((service, index) => {
      const instance = NAMES[(index * 7 + 3) % NAMES.length];
      const environment = NAMES[(index * 13 + 5) % NAMES.length];
      for (const [kind, name] of Object.entries(
        bundleNames(service, instance, environment),
      )) {
        if (!PATTERN_OF[kind].test(name)) {
          refused.push(
            `${kind} ${JSON.stringify(
              name,
            )} (from ${service}/${instance}/${environment})`,
          );
        }
      }
    });
    assert.deepEqual(refused, []);
  });

  it('keep different Proton names apart, also those that map or cut to the same text', () => {
    for (const rule of Object.values(AWS_NAMES)) {
      const seen = new Map<string, string>();
      // lowercase names fold case, as earlier versions did: only names that differ in more than case
      const key = (service: string) =>
        'lowercase' in rule ? service.toLowerCase() : service;
      for (const service of NAMES) {
        const name = awsName([service, 'x'], rule);
        const earlier = seen.get(name);
        assert.ok(
          earlier === undefined || key(earlier) === key(service),
          `${service} and ${earlier} both give ${name} (${rule.source})`,
        );
        seen.set(name, service);
      }
    }
    assert.notEqual(
      awsName(['a_b', 'dev'], AWS_NAMES.targetGroup),
      awsName(['a-b', 'dev'], AWS_NAMES.targetGroup),
    );
  });

  it('leave the names AWS accepts as they are, and ordinary ones to Pulumi, as earlier versions did', () => {
    assert.equal(
      awsName(['dev', 'hello-nginx', 'dev'], AWS_NAMES.ecs),
      'dev-hello-nginx-dev',
    );
    assert.equal(
      awsName(['Orders', 'images'], AWS_NAMES.ecrRepository),
      'orders-images',
    );
    assert.equal(
      nameUnlessPulumiFits(
        'hello-nginx-dev',
        ['hello-nginx', 'dev'],
        AWS_NAMES.targetGroup,
      ),
      undefined,
    );
    assert.equal(
      nameUnlessPulumiFits('dev', ['dev'], AWS_NAMES.loadBalancer),
      undefined,
    );
  });

  it('name a target group of its own after its port too, so that a new port makes a new one', () => {
    const at = (port: string) =>
      nameUnlessPulumiFits(
        'checkout-portal-production-eu',
        ['checkout-portal', 'production-eu'],
        AWS_NAMES.targetGroup,
        [port],
      );
    assert.match(at('80')!, /^checkout-portal-product-[0-9a-f]{8}$/);
    assert.notEqual(at('80'), at('8080'));
  });

  it('keep the reserved beginning of a load balancer name away, whatever its case', () => {
    const name = nameUnlessPulumiFits(
      'internal-tools',
      ['internal-tools'],
      AWS_NAMES.loadBalancer,
    );
    assert.match(name!, /^p-internal-tools-[0-9a-f]{8}$/);
    assert.match(
      awsName(['Internal-Tools'], AWS_NAMES.loadBalancer),
      /^p-Internal-Tools-[0-9a-f]{8}$/,
    );
  });

  it('leave a bucket name with capitals to Pulumi, which lowercases it, as earlier versions did', () => {
    assert.equal(
      pulumiNameFits('Orders-pipeline-artifacts', AWS_NAMES.s3Bucket),
      true,
    );
  });

  it('give a role of its own a name per account and region (IAM names are global to the account)', () => {
    const long = `${'s'.repeat(40)}`;
    const inRegion = (region: string) =>
      awsName([long, 'prod', 'execution'], AWS_NAMES.iamRole, [
        '123456789012',
        region,
      ]);
    assert.notEqual(inRegion('eu-west-1'), inRegion('us-east-1'));
    assert.ok(inRegion('eu-west-1').length <= 64);
  });
});
