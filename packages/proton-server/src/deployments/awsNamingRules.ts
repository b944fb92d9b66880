/**
 * AWS's documented naming rules for the resource types template bundles commonly name, as the
 * `simulate` runner checks them: a name AWS would refuse fails the simulated deployment (and the
 * upgrade preview) before any real one, naming the resource, the name and the rule.
 *
 * The physical name of a resource is what Pulumi's AWS provider would send: the `field` input when
 * the program sets it, else (for types Pulumi names itself) the logical name, a hyphen and 7 random
 * hexadecimal characters, lowercased where the provider lowercases (S3 buckets, ECR repositories).
 * The simulation derives the 7 characters from the stack, type and logical name, so that a resource
 * keeps its name from one plan to the next, as Pulumi keeps it in the stack's state.
 */

/** A naming rule of one resource type, as data the mock program reads from its plan file. */
export interface AwsNamingRule {
  /** The input holding the name, e.g. `name`, `family`, `bucket`. */
  field: string;
  /** What AWS calls the name, for messages: `target group name`. */
  noun: string;
  /** Characters, at least. */
  minLength: number;
  /** Characters, at most. */
  maxLength: number;
  /** A regular expression (source text) the whole name must match. */
  pattern: string;
  /** A regular expression (source text) of one character AWS allows anywhere in the name. */
  characters: string;
  /** The rule in words, as AWS documents it. */
  rule: string;
  /** Prefixes (compared lowercased) AWS reserves. */
  reservedPrefixes?: string[];
  /** Suffixes AWS reserves. */
  reservedSuffixes?: string[];
  /** Whether Pulumi's provider names the resource itself when `field` is absent. */
  autoname: boolean;
  /**
   * The input of a prefix the provider completes with 26 characters of its own, when `field` is
   * absent (`namePrefix`; `bucketPrefix` for S3).
   */
  prefixField?: string;
  /** Whether that name is lowercased. */
  lowercase?: boolean;
  /** Where AWS documents the rule: the API action's parameter. */
  source: string;
}

const ALPHANUMERIC_HYPHENS_NOT_AT_ENDS =
  '^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$';
const IAM_NAME = '^[A-Za-z0-9_+=,.@-]+$';
const ECS_NAME = '^[A-Za-z0-9_-]+$';
/** IAM's rule for policy names, managed (CreatePolicy) and inline (PutRolePolicy) alike. */
const IAM_POLICY_NAME = {
  field: 'name',
  minLength: 1,
  maxLength: 128,
  pattern: IAM_NAME,
  characters: '[A-Za-z0-9_+=,.@-]',
  rule: 'at most 128 characters, letters, digits and _+=,.@-',
  autoname: true,
};

/**
 * The rules, by Pulumi type token. Sources: the parameter of each type's create action in the AWS API
 * references (Elastic Load Balancing v2, IAM, EC2, CloudWatch Logs, ECS, ECR, S3, CodeBuild,
 * CodePipeline).
 */
export const AWS_NAMING_RULES: Record<string, AwsNamingRule> = {
  'aws:lb/loadBalancer:LoadBalancer': {
    field: 'name',
    noun: 'load balancer name',
    minLength: 1,
    maxLength: 32,
    pattern: ALPHANUMERIC_HYPHENS_NOT_AT_ENDS,
    characters: '[A-Za-z0-9-]',
    rule: 'at most 32 characters, letters, digits and hyphens, not beginning or ending with a hyphen, nor beginning with "internal-"',
    reservedPrefixes: ['internal-'],
    autoname: true,
    source: 'Elastic Load Balancing CreateLoadBalancer, Name',
  },
  'aws:lb/targetGroup:TargetGroup': {
    field: 'name',
    noun: 'target group name',
    minLength: 1,
    maxLength: 32,
    pattern: ALPHANUMERIC_HYPHENS_NOT_AT_ENDS,
    characters: '[A-Za-z0-9-]',
    rule: 'at most 32 characters, letters, digits and hyphens, not beginning or ending with a hyphen',
    autoname: true,
    source: 'Elastic Load Balancing CreateTargetGroup, Name',
  },
  'aws:iam/role:Role': {
    field: 'name',
    noun: 'IAM role name',
    minLength: 1,
    maxLength: 64,
    pattern: IAM_NAME,
    characters: '[A-Za-z0-9_+=,.@-]',
    rule: 'at most 64 characters, letters, digits and _+=,.@-',
    autoname: true,
    source: 'IAM CreateRole, RoleName',
  },
  'aws:iam/policy:Policy': {
    ...IAM_POLICY_NAME,
    noun: 'IAM policy name',
    source: 'IAM CreatePolicy, PolicyName',
  },
  'aws:iam/rolePolicy:RolePolicy': {
    ...IAM_POLICY_NAME,
    noun: 'IAM inline policy name',
    source: 'IAM PutRolePolicy, PolicyName',
  },
  'aws:ec2/securityGroup:SecurityGroup': {
    field: 'name',
    noun: 'security group name',
    minLength: 1,
    maxLength: 255,
    pattern: '^[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]+$',
    characters: '[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]',
    rule: 'at most 255 characters, letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not beginning with "sg-"',
    reservedPrefixes: ['sg-'],
    autoname: true,
    source: 'EC2 CreateSecurityGroup, GroupName',
  },
  'aws:cloudwatch/logGroup:LogGroup': {
    field: 'name',
    noun: 'log group name',
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9._/#-]+$',
    characters: '[A-Za-z0-9._/#-]',
    rule: 'at most 512 characters, letters, digits and ._-/#',
    autoname: true,
    source: 'CloudWatch Logs CreateLogGroup, logGroupName',
  },
  'aws:ecs/cluster:Cluster': {
    field: 'name',
    noun: 'ECS cluster name',
    minLength: 1,
    maxLength: 255,
    pattern: ECS_NAME,
    characters: '[A-Za-z0-9_-]',
    rule: 'at most 255 characters, letters, digits, hyphens and underscores',
    autoname: true,
    source: 'ECS CreateCluster, clusterName',
  },
  'aws:ecs/service:Service': {
    field: 'name',
    noun: 'ECS service name',
    minLength: 1,
    maxLength: 255,
    pattern: ECS_NAME,
    characters: '[A-Za-z0-9_-]',
    rule: 'at most 255 characters, letters, digits, hyphens and underscores',
    autoname: true,
    source: 'ECS CreateService, serviceName',
  },
  'aws:ecs/taskDefinition:TaskDefinition': {
    field: 'family',
    noun: 'task definition family',
    minLength: 1,
    maxLength: 255,
    pattern: ECS_NAME,
    characters: '[A-Za-z0-9_-]',
    rule: 'at most 255 characters, letters, digits, hyphens and underscores',
    autoname: false,
    source: 'ECS RegisterTaskDefinition, family',
  },
  'aws:ecr/repository:Repository': {
    field: 'name',
    noun: 'ECR repository name',
    minLength: 2,
    maxLength: 256,
    pattern: '^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$',
    characters: '[a-z0-9._/-]',
    rule: '2 to 256 characters, lowercase letters and digits in parts joined by . _ - or /',
    autoname: true,
    lowercase: true,
    source: 'ECR CreateRepository, repositoryName',
  },
  'aws:s3/bucket:Bucket': {
    field: 'bucket',
    noun: 'S3 bucket name',
    minLength: 3,
    maxLength: 63,
    // no two dots in a row, and not shaped like an IP address
    pattern:
      '^(?!.*\\.\\.)(?!\\d+\\.\\d+\\.\\d+\\.\\d+$)[a-z0-9][a-z0-9.-]*[a-z0-9]$',
    characters: '[a-z0-9.-]',
    rule: '3 to 63 characters, lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit, no two dots in a row, not an IP address, not beginning with "xn--", "sthree-" or "amzn-s3-demo-" nor ending with "-s3alias", "--ol-s3", ".mrap", "--x-s3" or "--table-s3"',
    reservedPrefixes: ['xn--', 'sthree-', 'amzn-s3-demo-'],
    reservedSuffixes: ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'],
    autoname: true,
    prefixField: 'bucketPrefix',
    lowercase: true,
    source: 'S3 general purpose bucket naming rules',
  },
  'aws:codebuild/project:Project': {
    field: 'name',
    noun: 'CodeBuild project name',
    minLength: 2,
    maxLength: 150,
    pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$',
    characters: '[A-Za-z0-9_-]',
    rule: '2 to 150 characters, letters, digits, hyphens and underscores, beginning with a letter or digit',
    autoname: true,
    source: 'CodeBuild CreateProject, name',
  },
  'aws:codepipeline/pipeline:Pipeline': {
    field: 'name',
    noun: 'pipeline name',
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9.@_-]+$',
    characters: '[A-Za-z0-9.@_-]',
    rule: 'at most 100 characters, letters, digits and .@-_',
    autoname: true,
    source: 'CodePipeline CreatePipeline, name',
  },
};
AWS_NAMING_RULES['aws:s3/bucketV2:BucketV2'] =
  AWS_NAMING_RULES['aws:s3/bucket:Bucket'];

/**
 * The check the mock program runs on every physical name (CommonJS text, so that the program and
 * the tests run the same function): a sentence naming the name, what is wrong with it and the rule,
 * or undefined when AWS would accept it.
 */
export const AWS_NAME_PROBLEM_SOURCE = `function awsNameProblem(rule, name) {
  const problems = [];
  if (name.length > rule.maxLength) problems.push('more than ' + rule.maxLength + ' characters (' + name.length + ')');
  if (name.length < rule.minLength) problems.push('fewer than ' + rule.minLength + ' characters (' + name.length + ')');
  const allowed = new RegExp('^' + rule.characters + '$');
  const refused = [...new Set([...name].filter(c => !allowed.test(c)))];
  if (refused.length > 0) problems.push('characters AWS does not allow (' + refused.map(c => JSON.stringify(c)).join(' ') + ')');
  else if (name.length >= rule.minLength && !new RegExp(rule.pattern).test(name)) problems.push('its characters in an order AWS does not allow');
  for (const prefix of rule.reservedPrefixes || []) {
    if (name.toLowerCase().startsWith(prefix)) problems.push('the reserved prefix "' + prefix + '"');
  }
  for (const suffix of rule.reservedSuffixes || []) {
    if (name.endsWith(suffix)) problems.push('the reserved suffix "' + suffix + '"');
  }
  if (problems.length === 0) return undefined;
  return 'the ' + rule.noun + ' ' + JSON.stringify(name) + ' has ' + problems.join(', ') +
    '; AWS allows ' + rule.rule + ' (' + rule.source + ')';
}`;
