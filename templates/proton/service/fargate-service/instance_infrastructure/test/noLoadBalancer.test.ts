import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVIRONMENT_OUTPUTS, serviceInstanceInputs } from './fixtures';
import { protonConfig, runProgram } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

describe('a service instance in an environment without a load balancer', () => {
  it('fails with a message saying what to change', async () => {
    const outputs = {
      ...ENVIRONMENT_OUTPUTS,
      loadBalancerArn: '',
      loadBalancerDnsName: '',
      listenerArn: '',
      loadBalancerSecurityGroupId: '',
    };
    await assert.rejects(
      runProgram({
        config: protonConfig(
          serviceInstanceInputs({ path: '/orders' }, outputs),
        ),
        state: serviceState,
        call: serviceCalls(),
      }),
      {
        message:
          'Environment staging has no load balancer (it was deployed with loadBalancer: false), and ' +
          'fargate-service routes traffic through it: deploy this service into an environment with ' +
          'loadBalancer: true, or update the environment to enable it',
      },
    );
  });
});
