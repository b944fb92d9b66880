import { ProgramRun, single } from './pulumiMocks';

/** The outputs of a fargate-env environment as Proton hands them to a service instance: all strings. */
export const ENVIRONMENT_OUTPUTS = {
  vpcId: 'vpc-0123',
  privateSubnetIds: '["subnet-private-a","subnet-private-b"]',
  clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/staging',
  clusterName: 'staging-cluster',
  loadBalancerArn:
    'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/staging/1',
  loadBalancerDnsName: 'staging-1.us-east-1.elb.amazonaws.com',
  listenerArn:
    'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/staging/1/2',
  loadBalancerSecurityGroupId: 'sg-lb',
  logRetentionDays: '14',
};

/** A service instance's proton-inputs.json, in Proton's format. */
export function serviceInstanceInputs(
  inputs: Record<string, unknown>,
  environmentOutputs: Record<string, string> = ENVIRONMENT_OUTPUTS,
) {
  return {
    service: { name: 'orders' },
    service_instance: { name: 'staging', inputs },
    environment: {
      name: 'staging',
      account_id: '111111111111',
      outputs: environmentOutputs,
    },
  };
}

/** The target group's health check timings: interval, timeout, healthy and unhealthy thresholds. */
export function healthCheckTimings(run: ProgramRun): unknown[] {
  const { healthCheck } = single(run, 'aws:lb/targetGroup:TargetGroup').inputs;
  return [
    healthCheck.interval,
    healthCheck.timeout,
    healthCheck.healthyThreshold,
    healthCheck.unhealthyThreshold,
  ];
}
