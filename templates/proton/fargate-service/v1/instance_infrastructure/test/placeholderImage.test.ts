import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { serviceInstanceInputs } from './fixtures';
import { ProgramRun, protonConfig, runProgram, single } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

describe('a service instance on the placeholder image, under a path', () => {
  let run: ProgramRun;
  before(async () => {
    // the defaults: stock nginx, which serves only /
    run = await runProgram({
      config: protonConfig(serviceInstanceInputs({ path: '/hello' })),
      stack: 'orders.staging',
      state: serviceState,
      call: serviceCalls(),
    });
  });

  it('has the load balancer take the path prefix off, so that the service URL does not answer 404', () => {
    const rule = single(run, 'aws:lb/listenerRule:ListenerRule');
    assert.deepEqual(rule.inputs.conditions, [
      { pathPattern: { values: ['/hello', '/hello/*'] } },
    ]);
    assert.deepEqual(rule.inputs.transforms, [
      {
        type: 'url-rewrite',
        urlRewriteConfig: {
          rewrite: { regex: '^/hello/?(.*)$', replace: '/$1' },
        },
      },
    ]);
    assert.equal(
      run.outputs.serviceUrl,
      'http://staging-1.us-east-1.elb.amazonaws.com/hello',
    );
  });
});
