import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import { readEnvironmentInputs } from './inputs';
import { AWS_NAMES, nameUnlessPulumiFits } from './naming';

// Inputs: the Proton environment's name and spec, written to the stack configuration by provision.sh.
const inputs = readEnvironmentInputs(new pulumi.Config());
const name = inputs.environmentName;
const tags = {
  'proton:environment': name,
  'proton:template': 'fargate-env',
  'proton:template-version': inputs.templateVersion,
};

const vpc = new awsx.ec2.Vpc(name, {
  cidrBlock: inputs.vpcCidrBlock,
  natGateways: { strategy: inputs.natGateways },
  subnetStrategy: 'Auto',
  enableDnsHostnames: true,
  tags: { ...tags, Name: name },
});

const cluster = new aws.ecs.Cluster(name, { tags });

// The shared load balancer: services add path rules to its listener, which answers 404 otherwise.
let shared:
  | {
      loadBalancer: aws.lb.LoadBalancer;
      listener: aws.lb.Listener;
      securityGroup: aws.ec2.SecurityGroup;
    }
  | undefined;
if (inputs.loadBalancer) {
  const securityGroup = new aws.ec2.SecurityGroup(`${name}-lb`, {
    vpcId: vpc.vpcId,
    description: `Load balancer of Proton environment ${name}: HTTP from anywhere, out to the VPC only`,
    ingress: [
      {
        description: 'HTTP from the internet',
        protocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        cidrBlocks: ['0.0.0.0/0'],
        ipv6CidrBlocks: ['::/0'],
      },
    ],
    egress: [
      {
        description: 'To service tasks in the VPC',
        protocol: 'tcp',
        fromPort: 0,
        toPort: 65535,
        cidrBlocks: [inputs.vpcCidrBlock],
      },
    ],
    tags,
  });
  // 32 characters at most: a long environment name gets a name of its own (naming.ts)
  const loadBalancer = new aws.lb.LoadBalancer(name, {
    name: nameUnlessPulumiFits(name, [name], AWS_NAMES.loadBalancer),
    loadBalancerType: 'application',
    internal: false,
    subnets: vpc.publicSubnetIds,
    securityGroups: [securityGroup.id],
    dropInvalidHeaderFields: true,
    tags,
  });
  const listener = new aws.lb.Listener(`${name}-http`, {
    loadBalancerArn: loadBalancer.arn,
    port: 80,
    protocol: 'HTTP',
    defaultActions: [
      {
        type: 'fixed-response',
        fixedResponse: {
          contentType: 'text/plain',
          messageBody: 'Not found',
          statusCode: '404',
        },
      },
    ],
    tags,
  });
  shared = { loadBalancer, listener, securityGroup };
}

// Proton outputs are strings of 1 to 1,024 characters: lists are JSON-encoded, and the load balancer's
// outputs are left out when there is none (Proton refuses an empty value).
export const vpcId = vpc.vpcId;
export const privateSubnetIds = vpc.privateSubnetIds.apply(ids =>
  JSON.stringify(ids),
);
export const clusterArn = cluster.arn;
export const clusterName = cluster.name;
export const loadBalancerArn = shared?.loadBalancer.arn;
export const loadBalancerDnsName = shared?.loadBalancer.dnsName;
export const listenerArn = shared?.listener.arn;
export const loadBalancerSecurityGroupId = shared?.securityGroup.id;
export const logRetentionDays = String(inputs.logRetentionDays);
// so that services refuse an environment whose private subnets have no route out (None)
export const natGateways = inputs.natGateways;
