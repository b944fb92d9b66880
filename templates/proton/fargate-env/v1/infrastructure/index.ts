import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import { readEnvironmentInputs } from './inputs';
import { AWS_NAMES, nameUnlessPulumiFits } from './naming';
import {
  listenerRemovalProblem,
  readListenersInUse,
  vpcAvailabilityZones,
} from './prepared';

// Inputs: the Proton environment's name and spec, written to the stack configuration by provision.sh,
// and what prepare.sh read from the account (prepared.ts), all checked before any resource is
// registered, so that nothing is half-made.
const config = new pulumi.Config();
const inputs = readEnvironmentInputs(config);
const name = inputs.environmentName;
const availabilityZones = vpcAvailabilityZones(
  config.getNumber('availabilityZoneCount'),
  inputs.loadBalancer,
);
const removal = listenerRemovalProblem(
  inputs,
  readListenersInUse(config.getObject<unknown>('listenersInUse')),
);
if (removal) throw new Error(removal);
const tags = {
  'proton:environment': name,
  'proton:template': 'fargate-env',
  'proton:template-version': inputs.templateVersion,
};

const vpc = new awsx.ec2.Vpc(name, {
  cidrBlock: inputs.vpcCidrBlock,
  // three, or every zone of a Region with fewer (undefined: awsx's default, three)
  numberOfAvailabilityZones: availabilityZones,
  natGateways: { strategy: inputs.natGateways },
  subnetStrategy: 'Auto',
  enableDnsHostnames: true,
  tags: { ...tags, Name: name },
});

// Container Insights only when set: by default the account's default applies, as before 1.5.
const cluster = new aws.ecs.Cluster(name, {
  settings:
    inputs.containerInsights === 'default'
      ? undefined
      : [{ name: 'containerInsights', value: inputs.containerInsights }],
  tags,
});

// The shared load balancer: services add rules to its listener (the HTTPS one when there is a
// certificate, and HTTP then only redirects), which answers 404 otherwise.
const https = inputs.httpsCertificateArn !== undefined;
const notFound = {
  type: 'fixed-response',
  fixedResponse: {
    contentType: 'text/plain',
    messageBody: 'Not found',
    statusCode: '404',
  },
};
let shared:
  | {
      loadBalancer: aws.lb.LoadBalancer;
      listener: aws.lb.Listener;
      securityGroup: aws.ec2.SecurityGroup;
    }
  | undefined;
if (inputs.loadBalancer) {
  const fromAnywhere = (port: number, protocol: string) => ({
    description: `${protocol} from the internet`,
    protocol: 'tcp',
    fromPort: port,
    toPort: port,
    cidrBlocks: ['0.0.0.0/0'],
    ipv6CidrBlocks: ['::/0'],
  });
  const securityGroup = new aws.ec2.SecurityGroup(`${name}-lb`, {
    vpcId: vpc.vpcId,
    // the description cannot change without replacing the group, which its users would block: it stays
    // as it was before HTTPS came (1.5), and the ingress rules say which ports are open
    description: `Load balancer of Proton environment ${name}: HTTP from anywhere, out to the VPC only`,
    ingress: [
      fromAnywhere(80, 'HTTP'),
      ...(https ? [fromAnywhere(443, 'HTTPS')] : []),
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
    // the bucket's policy must let Elastic Load Balancing write to it (made outside this template)
    // without a bucket, logging is turned off explicitly: the provider leaves an absent block as it is,
    // so removing the bucket would not stop the logs (AWS reads back this same block when off)
    accessLogs: inputs.accessLogsBucket
      ? { bucket: inputs.accessLogsBucket, prefix: name, enabled: true }
      : { bucket: '', enabled: false },
    tags,
  });
  const httpListener = new aws.lb.Listener(`${name}-http`, {
    loadBalancerArn: loadBalancer.arn,
    port: 80,
    protocol: 'HTTP',
    defaultActions: [
      https
        ? {
            type: 'redirect',
            redirect: {
              protocol: 'HTTPS',
              port: '443',
              statusCode: 'HTTP_301',
            },
          }
        : notFound,
    ],
    tags,
  });
  // ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3 and 1.2 only, the policy AWS recommends for new
  // listeners (Elastic Load Balancing User Guide, "Security policies for your Application Load Balancer")
  const listener = https
    ? new aws.lb.Listener(`${name}-https`, {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        certificateArn: inputs.httpsCertificateArn,
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        defaultActions: [notFound],
        tags,
      })
    : httpListener;
  if (inputs.webAclArn) {
    // another web ACL replaces the association: the old one goes first, as its deletion
    // (DisassociateWebACL, by the load balancer's ARN alone) would also remove the new one
    new aws.wafv2.WebAclAssociation(
      name,
      { resourceArn: loadBalancer.arn, webAclArn: inputs.webAclArn },
      { deleteBeforeReplace: true },
    );
  }
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
// the listener services add their rules to: the HTTPS one when there is a certificate
export const listenerArn = shared?.listener.arn;
// so that services build their URLs (1.5): the scheme and the host name people use
export const listenerProtocol = shared ? (https ? 'HTTPS' : 'HTTP') : undefined;
export const domainName = shared ? inputs.domainName : undefined;
export const loadBalancerSecurityGroupId = shared?.securityGroup.id;
export const logRetentionDays = String(inputs.logRetentionDays);
// so that services refuse an environment whose private subnets have no route out (None)
export const natGateways = inputs.natGateways;
