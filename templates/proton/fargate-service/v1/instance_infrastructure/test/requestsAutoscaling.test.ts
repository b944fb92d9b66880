import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVIRONMENT_OUTPUTS, serviceInstanceInputs } from './fixtures';
import { protonConfig, RecordedResource, runProgram } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

describe('autoscaling on requests in an environment whose listener ARN is not an ALB listener’s', () => {
  it('fails before registering any resource, saying what to change', async () => {
    const registered: RecordedResource[] = [];
    await assert.rejects(
      runProgram({
        config: protonConfig(
          serviceInstanceInputs(
            {
              path: '/orders',
              autoscalingMaxCount: 4,
              autoscalingRequestsPerTarget: 500,
            },
            {
              ...ENVIRONMENT_OUTPUTS,
              listenerArn: 'arn:aws:simulated:us-east-1:1:listener/dev-http',
            },
          ),
        ),
        state: resource => {
          registered.push(resource);
          return serviceState(resource);
        },
        call: serviceCalls(),
      }),
      {
        message:
          "Input autoscalingRequestsPerTarget needs the load balancer's ARN, and environment staging reports a listener ARN " +
          "that is not an Application Load Balancer listener's (arn:aws:simulated:us-east-1:1:listener/dev-http): " +
          'set autoscalingRequestsPerTarget to 0 to scale on CPU only',
      },
    );
    assert.deepEqual(registered, []);
  });
});
