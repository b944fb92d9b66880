import type { RecordedResource } from './pulumiMocks';

/** What AWS (and the awsx VPC component) would report for the environment's resources. */
export function environmentState(
  resource: RecordedResource,
): Record<string, unknown> {
  switch (resource.type) {
    case 'awsx:ec2:Vpc':
      return {
        vpcId: 'vpc-0123',
        privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
        publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
      };
    case 'aws:ecs/cluster:Cluster':
      return {
        arn: `arn:aws:ecs:us-east-1:111111111111:cluster/${resource.name}`,
        name: `${resource.name}-cluster`,
      };
    case 'aws:lb/loadBalancer:LoadBalancer':
      return {
        arn: `arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/${resource.name}/1`,
        dnsName: `${resource.name}-1.us-east-1.elb.amazonaws.com`,
      };
    case 'aws:lb/listener:Listener':
      return {
        arn: `${resource.inputs.loadBalancerArn.replace(
          ':loadbalancer/',
          ':listener/',
        )}/${resource.inputs.port === 443 ? 3 : 2}`,
      };
    default:
      return {};
  }
}
