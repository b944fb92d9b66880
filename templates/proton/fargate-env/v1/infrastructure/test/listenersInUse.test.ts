import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentState } from './environmentState';
import { RecordedResource, runProgram } from './pulumiMocks';

describe('turning the load balancer off while services route through it', () => {
  it('fails before registering any resource, naming the services', async () => {
    const registered: RecordedResource[] = [];
    await assert.rejects(
      runProgram({
        config: {
          protonEnvironmentName: 'prod',
          loadBalancer: 'false',
          availabilityZoneCount: '3',
          listenersInUse: JSON.stringify([
            {
              listenerArn:
                'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/prod/1/2',
              port: 80,
              rules: [{ arn: 'arn:rule', service: 'orders', instance: 'prod' }],
            },
          ]),
        },
        state: resource => {
          registered.push(resource);
          return environmentState(resource);
        },
      }),
      {
        message:
          'Input loadBalancer is false, and the load balancer still routes to service orders instance prod: ' +
          'removing it would cut them off. Delete those service instances or deploy them to another environment first',
      },
    );
    assert.deepEqual(registered, []);
  });
});
