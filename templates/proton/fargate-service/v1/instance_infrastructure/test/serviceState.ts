import type { RecordedResource } from './pulumiMocks';

const ACCOUNT = '111111111111';

/** What AWS would report for the service instance's resources. */
export function serviceState(
  resource: RecordedResource,
): Record<string, unknown> {
  const { name } = resource;
  switch (resource.type) {
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name };
    case 'aws:lb/targetGroup:TargetGroup':
      return {
        arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/${name}/1`,
        arnSuffix: `targetgroup/${name}/1`,
      };
    case 'aws:lb/listenerRule:ListenerRule':
      return {
        arn: `${resource.inputs.listenerArn.replace(
          ':listener/',
          ':listener-rule/',
        )}/9`,
      };
    case 'aws:ecs/taskDefinition:TaskDefinition':
      return {
        arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${resource.inputs.family}:1`,
      };
    case 'aws:ecs/service:Service':
      return { name: `${name}-svc` };
    default:
      return {};
  }
}

/** Answers the provider functions the program calls. */
export function serviceCalls() {
  return (token: string): Record<string, unknown> => {
    switch (token) {
      case 'aws:index/getRegion:getRegion':
        return { region: 'us-east-1', name: 'us-east-1' };
      default:
        throw new Error(`unexpected call ${token}`);
    }
  };
}
