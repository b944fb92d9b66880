import { AWS_NAME_PROBLEM_SOURCE, AwsNamingRule } from './awsNamingRules';

/**
 * The script the `simulate` runner runs with node in a deployment's working directory: it loads the
 * bundle's own `@pulumi/pulumi`, installs Pulumi's mock runtime (`pulumi.runtime.setMocks`), runs the
 * program and writes its outputs. It is CommonJS text so that it runs the same from sources and from
 * the built package.
 */

/** What the runner hands the script (a JSON file named by its first argument). */
export interface PulumiMockPlan {
  project: string;
  stack: string;
  /** The program's entry point, relative to the working directory. */
  main: string;
  /** Fully qualified configuration (`<project>:<key>`) to string values. */
  config: Record<string, string>;
  region: string;
  accountId: string;
  /** Where the script writes its {@link PulumiMockResult}. */
  resultFile: string;
  /** AWS's naming rules by type token, checked on every physical name (awsNamingRules.ts). */
  naming: Record<string, AwsNamingRule>;
}

/** A resource the program registered, as the mock runtime saw it. */
export interface PulumiMockResource {
  /** The resource's type token, e.g. `aws:lb/targetGroup:TargetGroup`. */
  type: string;
  /** The resource's logical name. */
  name: string;
  /** Whether it is a provider's resource (false for a component, which groups others). */
  custom: boolean;
  /** The inputs it was registered with (secrets are the values Pulumi was given). */
  inputs: Record<string, unknown>;
  /** The id the mock runtime gave it. */
  id: string;
  /** The ARN the mock runtime gave it. */
  arn: string;
  /**
   * The name AWS would get for it, for the types of the naming rules: the name input, or the one
   * Pulumi's provider would make.
   */
  physicalName?: string;
}

/** What the script writes to the plan's result file. */
export interface PulumiMockResult {
  /** The program's exports, absent values left out. */
  outputs: Array<{ key: string; valueString: string }>;
  /** How many resources the program registered. */
  resources: number;
  /** The resources, in the order they were registered. */
  registered: PulumiMockResource[];
}

/** How the script's last line starts when the program fails (the statusMessage is that line). */
export const PROGRAM_FAILURE =
  'The Pulumi program failed under the mock runtime: ';

/** How the script's last line starts when AWS would refuse a resource's name (the statusMessage). */
export const NAMING_FAILURE = 'AWS would refuse a name the program gives: ';

/** Exit status of the script when `@pulumi/pulumi` cannot be loaded. */
export const PULUMI_MISSING_EXIT_CODE = 3;

/** The script's source. */
export const PULUMI_MOCK_PROGRAM = `'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const cwd = process.cwd();
const fromBundle = id => require(require.resolve(id, { paths: [cwd] }));
function fail(code, message) {
  process.stderr.write(message + '\\n');
  process.exit(code);
}
let pulumi;
try {
  pulumi = fromBundle('@pulumi/pulumi');
} catch (error) {
  fail(${PULUMI_MISSING_EXIT_CODE}, '@pulumi/pulumi cannot be loaded from the bundle (' + String(error.message).split('\\n')[0] + ')');
}
function registerTypeScript() {
  try { fromBundle('tsx/cjs/api').register(); return 'tsx'; } catch {}
  try {
    fromBundle('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
    return 'ts-node';
  } catch {}
  return 'node type stripping';
}
const region = plan.region;
const account = plan.accountId;
const invokes = {
  'aws:index/getAvailabilityZones:getAvailabilityZones': () => ({
    id: region,
    names: ['a', 'b', 'c'].map(zone => region + zone),
    zoneIds: [1, 2, 3].map(n => region.replace(/-/g, '').slice(0, 4) + '-az' + n),
  }),
  'aws:index/getRegion:getRegion': () => ({ id: region, name: region, region, description: region }),
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    id: account, accountId: account, arn: 'arn:aws:iam::' + account + ':user/simulated', userId: 'SIMULATED',
  }),
  'aws:index/getPartition:getPartition': () => ({ id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com' }),
  // Nothing exists in a simulation, so a search for tagged resources finds none
  'aws:resourcegroupstaggingapi/getResources:getResources': () => ({ id: region, resourceTagMappingLists: [] }),
};
// What providers compute and programs commonly export, which the mock runtime cannot know: plausible,
// clearly simulated values, so that a service's program can run on a simulated environment's outputs.
const providerComputed = {
  'awsx:ec2:Vpc': name => ({
    vpcId: 'vpc-' + name + '-simulated',
    privateSubnetIds: ['a', 'b'].map(zone => 'subnet-' + name + '-private-' + zone + '-simulated'),
    publicSubnetIds: ['a', 'b'].map(zone => 'subnet-' + name + '-public-' + zone + '-simulated'),
  }),
  'aws:ec2/vpc:Vpc': name => ({ id: 'vpc-' + name + '-simulated' }),
  'aws:ecs/cluster:Cluster': name => ({ name }),
  'aws:lb/loadBalancer:LoadBalancer': name => ({
    dnsName: name + '-simulated.' + region + '.elb.amazonaws.com',
  }),
  'aws:lb/targetGroup:TargetGroup': name => ({ name }),
  'aws:cloudwatch/logGroup:LogGroup': name => ({ name }),
  'aws:ecs/service:Service': name => ({ name }),
  'aws:ecr/repository:Repository': (name, inputs) => ({
    repositoryUrl: account + '.dkr.ecr.' + region + '.amazonaws.com/' + (inputs.name || name),
  }),
  'aws:s3/bucket:Bucket': name => ({ bucket: name + '-simulated' }),
};
const naming = plan.naming || {};
// The name AWS would get: the name input, else (for types the provider names) the prefix input and 26
// characters, or the logical name, a hyphen and 7, the same in every plan of this stack, as Pulumi's
// state keeps it.
function physicalNameOf(type, name, inputs) {
  const rule = naming[type];
  if (!rule) return undefined;
  const given = inputs[rule.field];
  if (typeof given === 'string' && given !== '') return given;
  if (!rule.autoname) return undefined;
  const hash = crypto.createHash('sha256').update(plan.stack + '\\0' + type + '\\0' + name).digest('hex');
  // a prefix the program gives is completed with 26 characters (Terraform's unique id); the logical
  // name, with a hyphen and 7
  const prefixInput = inputs[rule.prefixField || 'namePrefix'];
  const physical = typeof prefixInput === 'string' && prefixInput !== ''
    ? prefixInput + hash.slice(0, 26)
    : name + '-' + hash.slice(0, 7);
  return rule.lowercase ? physical.toLowerCase() : physical;
}
// The ARN a resource reports: in AWS's own format for the load balancer types, whose ARNs programs
// take apart (a listener's holds its load balancer's, and CloudWatch names both by ARN suffix), with
// 16 hexadecimal characters for the id AWS gives; for the others, a plainly simulated one that names
// the type and the physical name.
function arnOf(type, name, physicalName, inputs) {
  const id = crypto.createHash('sha256').update(plan.stack + '\0' + type + '\0' + name).digest('hex').slice(0, 16);
  const elb = 'arn:aws:elasticloadbalancing:' + region + ':' + account + ':';
  const within = (arn, kind) => {
    const match = typeof arn === 'string' ? new RegExp(':' + kind + '/(.+)$').exec(arn) : null;
    return match ? match[1] : undefined;
  };
  switch (type) {
    case 'aws:lb/loadBalancer:LoadBalancer':
      return elb + 'loadbalancer/' + (inputs.loadBalancerType === 'network' ? 'net' : 'app') + '/' + (physicalName || name) + '/' + id;
    case 'aws:lb/targetGroup:TargetGroup':
      return elb + 'targetgroup/' + (physicalName || name) + '/' + id;
    case 'aws:lb/listener:Listener': {
      const loadBalancer = within(inputs.loadBalancerArn, 'loadbalancer');
      if (loadBalancer) return elb + 'listener/' + loadBalancer + '/' + id;
      break;
    }
    case 'aws:lb/listenerRule:ListenerRule': {
      const listener = within(inputs.listenerArn, 'listener');
      if (listener) return elb + 'listener-rule/' + listener + '/' + id;
      break;
    }
  }
  return 'arn:aws:simulated:' + region + ':' + account + ':' + type + '/' + (physicalName || name);
}
${AWS_NAME_PROBLEM_SOURCE}
const settle = value => new Promise(resolve => pulumi.output(value).apply(v => { resolve(v); return v; }));
async function main() {
  const registered = [];
  await pulumi.runtime.setMocks({
    newResource: args => {
      const id = args.name + '-simulated';
      const physicalName = physicalNameOf(args.type, args.name, args.inputs);
      const arn = arnOf(args.type, args.name, physicalName, args.inputs);
      registered.push({ type: args.type, name: args.name, custom: args.custom !== false, inputs: args.inputs, id, arn, physicalName });
      const computed = providerComputed[args.type] ? providerComputed[args.type](args.name, args.inputs) : {};
      const named = physicalName ? { [naming[args.type].field]: physicalName } : {};
      // the ARN's end, as CloudWatch names load balancers and target groups
      const suffix = /:(?:loadbalancer\\/)?((?:app|net)\\/.+|targetgroup\\/.+)$/.exec(arn);
      const arnSuffix = suffix && /^aws:lb\\/(loadBalancer|targetGroup):/.test(args.type) ? { arnSuffix: suffix[1] } : {};
      return { id, state: { arn, ...arnSuffix, ...computed, ...args.inputs, ...named } };
    },
    call: args => (invokes[args.token] ? invokes[args.token](args.inputs) : {}),
  }, plan.project, plan.stack, false);
  pulumi.runtime.setAllConfig(plan.config);
  const main = path.resolve(cwd, plan.main);
  if (/\\.[cm]?tsx?$/.test(main)) {
    process.stdout.write('[proton-server] TypeScript through ' + registerTypeScript() + '\\n');
  }
  let program = require(main);
  if (program && typeof program.default === 'function') program = program.default;
  let exported = typeof program === 'function' ? await program() : program;
  const outputs = [];
  for (const [key, value] of Object.entries(exported || {})) {
    if (key === 'default' || key === '__esModule') continue;
    const resolved = await settle(value);
    // as the bundles' proton_outputs: absent values are left out, never sent as empty strings
    if (resolved === undefined || resolved === null || resolved === '') continue;
    outputs.push({ key, valueString: typeof resolved === 'string' ? resolved : JSON.stringify(resolved) });
  }
  await pulumi.runtime.disconnect();
  // AWS's naming rules, on every name the deployment would send: each refusal goes to the log, the
  // first becomes the statusMessage
  const refused = [];
  for (const resource of registered) {
    if (resource.physicalName === undefined) continue;
    const problem = awsNameProblem(naming[resource.type], resource.physicalName);
    if (problem) refused.push(resource.type + ' ' + JSON.stringify(resource.name) + ': ' + problem);
  }
  if (refused.length > 0) {
    for (const line of refused) process.stdout.write('[proton-server] AWS would refuse: ' + line + '\\n');
    const more = refused.length > 1 ? ' (and ' + (refused.length - 1) + ' more in the log)' : '';
    fail(1, ${JSON.stringify(NAMING_FAILURE)} + refused[0] + more);
  }
  const resources = registered.length;
  fs.writeFileSync(plan.resultFile, JSON.stringify({ outputs, resources, registered }));
  process.stdout.write('[proton-server] SIMULATED: ' + resources + ' resources registered with the mock runtime, nothing was created\\n');
}
// The stack goes to the log; the last line, the failure in words without this machine's paths, becomes
// the statusMessage.
const local = text => String(text).split(cwd + path.sep).join('').split(cwd).join('.');
// The failure in one line: a compiler's first error with its place in the bundle (esbuild, which tsx
// uses, says only "Transform failed with 1 error:" on its first line), else the message's first line,
// with the line after it when the first is only a heading ending in ":".
function describeFailure(error) {
  const first = error && Array.isArray(error.errors) ? error.errors[0] : undefined;
  if (first && first.text) {
    const at = first.location ? ' (' + first.location.file + ':' + first.location.line + ')' : '';
    const others = error.errors.length - 1;
    const more = others > 0 ? ' (and ' + others + ' more error' + (others > 1 ? 's' : '') + ' in the log)' : '';
    return local(first.text + at) + more;
  }
  const message = error && error.message !== undefined ? error.message : String(error);
  const lines = local(message).split('\\n').map(line => line.trim()).filter(Boolean);
  if (lines.length > 1 && lines[0].endsWith(':')) return lines[0] + ' ' + lines[1];
  return lines[0] || 'it stopped without a message';
}
main().catch(error => {
  if (error && error.stack) process.stdout.write(local(error.stack) + '\\n');
  fail(1, ${JSON.stringify(PROGRAM_FAILURE)} + describeFailure(error));
});
`;
