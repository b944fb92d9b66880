import { createHash } from 'node:crypto';

/*
 * AWS names from Proton names. Proton names run to 100 characters of letters, digits, `-` and `_`
 * (`[0-9A-Za-z]+[0-9A-Za-z_\-]*`); AWS allows far less for some resources (32 characters of letters,
 * digits and hyphens for a load balancer or target group, 64 for an IAM role), and Pulumi's AWS
 * provider adds a hyphen and 7 random characters to the names it makes. The rule, the same in every
 * bundle (each carries a copy of this file, kept identical to templates/proton/provisioning/):
 *
 * - a name that AWS accepts as it is keeps it (so resources deployed before this rule keep theirs),
 *   lowercased first where AWS wants lowercase, as earlier versions did;
 * - any other is the Proton names joined by hyphens, lowercased where AWS wants lowercase, with every
 *   run of characters other than letters and digits made one hyphen (`_` becomes `-`), cut to fit, and followed by a
 *   hyphen and 8 hexadecimal characters of the SHA-256 of the Proton names, so that two names that
 *   map or cut to the same text stay apart.
 *
 * The full Proton names stay in every resource's tags (`proton:service`, `proton:service-instance`,
 * `proton:environment`).
 */

/** What AWS allows in one kind of name. */
export interface AwsNameRule {
  /** Characters, at most. */
  maxLength: number;
  /** One character AWS allows. */
  character: RegExp;
  /** The form of the whole name, where AWS sets one beyond its characters. */
  pattern?: RegExp;
  /** AWS allows lowercase only. */
  lowercase?: boolean;
  /** Beginnings AWS reserves (compared lowercased). */
  reservedPrefixes?: string[];
  /** Where AWS documents it. */
  source: string;
}

/**
 * The rules of the names the bundles make, from the create action of each resource type in the
 * AWS API references.
 */
export const AWS_NAMES = {
  loadBalancer: {
    maxLength: 32,
    character: /[A-Za-z0-9-]/,
    // not beginning or ending with a hyphen
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    reservedPrefixes: ['internal-'],
    source: 'Elastic Load Balancing CreateLoadBalancer, Name',
  },
  targetGroup: {
    maxLength: 32,
    character: /[A-Za-z0-9-]/,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    source: 'Elastic Load Balancing CreateTargetGroup, Name',
  },
  iamRole: {
    maxLength: 64,
    character: /[A-Za-z0-9_+=,.@-]/,
    source: 'IAM CreateRole, RoleName',
  },
  ecs: {
    maxLength: 255,
    character: /[A-Za-z0-9_-]/,
    source:
      'ECS CreateCluster clusterName, CreateService serviceName, RegisterTaskDefinition family',
  },
  ecrRepository: {
    maxLength: 256,
    character: /[a-z0-9_-]/,
    // parts of letters and digits, one separator between them
    pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    lowercase: true,
    source: 'ECR CreateRepository, repositoryName',
  },
  s3Bucket: {
    maxLength: 63,
    character: /[a-z0-9-]/,
    // beginning and ending with a letter or digit
    pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    lowercase: true,
    reservedPrefixes: ['xn--', 'sthree-', 'amzn-s3-demo-'],
    source: 'S3 general purpose bucket naming rules',
  },
  codebuildProject: {
    maxLength: 150,
    character: /[A-Za-z0-9_-]/,
    // beginning with a letter or digit
    pattern: /^[A-Za-z0-9]/,
    source: 'CodeBuild CreateProject, name',
  },
  codepipeline: {
    maxLength: 100,
    character: /[A-Za-z0-9_-]/,
    source: 'CodePipeline CreatePipeline, name',
  },
} satisfies Record<string, AwsNameRule>;

/** Pulumi's AWS provider names a resource `<logical name>-<7 random characters>`. */
const PULUMI_SUFFIX_LENGTH = 8;

/** The hexadecimal characters of the hash that keeps altered names apart. */
const HASH_LENGTH = 8;

/** Whether AWS accepts `name` under `rule`. */
export function acceptedByAws(name: string, rule: AwsNameRule): boolean {
  return (
    name.length >= 1 &&
    name.length <= rule.maxLength &&
    [...name].every(c => rule.character.test(c)) &&
    (rule.pattern?.test(name) ?? true) &&
    !(rule.reservedPrefixes ?? []).some(p => name.toLowerCase().startsWith(p))
  );
}

/**
 * The name of a resource made of Proton names (`parts`, joined by hyphens): as it is when AWS
 * accepts it, else mapped, cut and hashed to fit (see the rule at the top of this file).
 * `salt` (for example an input whose change replaces the resource) goes into the hash only.
 */
export function awsName(
  parts: string[],
  rule: AwsNameRule,
  salt: string[] = [],
): string {
  const joined = parts.join('-');
  const folded = rule.lowercase ? joined.toLowerCase() : joined;
  if (salt.length === 0 && acceptedByAws(folded, rule)) return folded;
  const hash = createHash('sha256')
    .update(JSON.stringify([parts, salt]))
    .digest('hex')
    .slice(0, HASH_LENGTH);
  let base = folded.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+/, '');
  if (
    (rule.reservedPrefixes ?? []).some(p => base.toLowerCase().startsWith(p))
  ) {
    base = `p-${base}`;
  }
  base = base.slice(0, rule.maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return base ? `${base}-${hash}` : hash;
}

/**
 * Whether AWS accepts the name Pulumi's AWS provider makes from `logicalName` when a program gives
 * none (`<logicalName>-<7 random characters>`, lowercased for the names AWS wants lowercase). Where it
 * does, the bundles leave the naming to Pulumi, as earlier versions did, so that deployed resources
 * keep their names.
 */
export function pulumiNameFits(
  logicalName: string,
  rule: AwsNameRule,
): boolean {
  const name = `${logicalName}-${'0'.repeat(PULUMI_SUFFIX_LENGTH - 1)}`;
  return acceptedByAws(rule.lowercase ? name.toLowerCase() : name, rule);
}

/**
 * The `name` input of a resource whose logical name is `logicalName`: undefined (Pulumi names it)
 * when {@link pulumiNameFits}, else {@link awsName} of `parts`.
 */
export function nameUnlessPulumiFits(
  logicalName: string,
  parts: string[],
  rule: AwsNameRule,
  salt: string[] = [],
): string | undefined {
  return pulumiNameFits(logicalName, rule)
    ? undefined
    : awsName(parts, rule, salt);
}
