import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceInstanceInputs } from './fixtures';
import { protonConfig, runProgram } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

const LOG_GROUP = '/proton/staging/orders/staging';

async function logGroupOf(config: Record<string, string>) {
  const run = await runProgram({
    config: {
      ...protonConfig(serviceInstanceInputs({ path: '/orders' })),
      ...config,
    },
    stack: 'orders.staging',
    state: serviceState,
    call: serviceCalls(),
  });
  const groups = run.resources.filter(
    r => r.type === 'aws:cloudwatch/logGroup:LogGroup',
  );
  assert.equal(groups.length, 1);
  return groups[0];
}

// After a run interrupted once it had created the log group, Pulumi no longer knows it and AWS refuses
// to create it again (ResourceAlreadyExistsException): prepare.sh names it in adoptLogGroup, and the
// program imports it by its name (a log group's ID). One program run per process: that the log group is
// created, not imported, without adoptLogGroup is checked in service.test.ts.
describe('the log group of an interrupted run', () => {
  it('is adopted when prepare.sh names it', async () => {
    const group = await logGroupOf({ adoptLogGroup: LOG_GROUP });
    assert.equal(group.importId, LOG_GROUP);
    assert.equal(group.inputs.name, LOG_GROUP);
  });
});
