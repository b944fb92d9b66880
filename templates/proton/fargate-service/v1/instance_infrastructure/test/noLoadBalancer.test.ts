import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVIRONMENT_OUTPUTS, serviceInstanceInputs } from './fixtures';
import { protonConfig, runProgram } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

const MESSAGE =
  'Environment staging has no load balancer (it was deployed with loadBalancer: false), and ' +
  'fargate-service routes traffic through it: deploy this service into an environment with ' +
  'loadBalancer: true, or update the environment to enable it';

const {
  loadBalancerArn: _arn,
  loadBalancerDnsName: _dns,
  listenerArn: _listener,
  loadBalancerSecurityGroupId: _group,
  ...WITHOUT_LOAD_BALANCER
} = ENVIRONMENT_OUTPUTS;

describe('a service instance in an environment without a load balancer', () => {
  for (const [what, outputs] of [
    // fargate-env leaves the load balancer's outputs out (Proton refuses empty values)
    ['its outputs left out', WITHOUT_LOAD_BALANCER],
    // environments deployed by earlier versions reported them empty
    [
      'its outputs empty',
      {
        ...ENVIRONMENT_OUTPUTS,
        loadBalancerArn: '',
        loadBalancerDnsName: '',
        listenerArn: '',
        loadBalancerSecurityGroupId: '',
      },
    ],
  ] as const) {
    it(`fails with a message saying what to change (${what})`, async () => {
      await assert.rejects(
        runProgram({
          config: protonConfig(
            serviceInstanceInputs({ path: '/orders' }, outputs),
          ),
          state: serviceState,
          call: serviceCalls(),
        }),
        { message: MESSAGE },
      );
    });
  }
});
