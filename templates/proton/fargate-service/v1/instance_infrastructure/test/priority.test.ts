import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BAND_SIZE, fnv1a, priorityBand } from '../routing';
import { ENVIRONMENT_OUTPUTS, serviceInstanceInputs } from './fixtures';
import { ProgramRun, protonConfig, runProgram, single } from './pulumiMocks';
import { serviceCalls, serviceState } from './serviceState';

// The slot orders/staging hashes to is held by another instance's rule on the listener, as prepare.sh
// read it from AWS.
const hashed =
  priorityBand('/orders').first + (fnv1a('orders/staging') % BAND_SIZE);
const next =
  hashed === priorityBand('/orders').last
    ? priorityBand('/orders').first
    : hashed + 1;
const existing = [
  {
    arn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener-rule/app/staging/1/2/77',
    priority: hashed,
    paths: ['/billing', '/billing/*'],
    tags: {
      'proton:service': 'billing',
      'proton:service-instance': 'staging',
      'proton:path': '/billing',
    },
  },
];

describe('listener rule priority with other services on the listener', () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      config: {
        ...protonConfig(serviceInstanceInputs({ path: '/orders' })),
        listenerRules: JSON.stringify(existing),
      },
      state: serviceState,
      call: serviceCalls(),
    });
  });

  it('takes the next free priority of the band', () => {
    const rule = single(run, 'aws:lb/listenerRule:ListenerRule');
    assert.equal(rule.inputs.priority, next);
  });

  it('uses the 1.1 input defaults for inputs the spec leaves out', () => {
    const service = single(run, 'aws:ecs/service:Service');
    assert.equal(service.inputs.healthCheckGracePeriodSeconds, 0);
    assert.equal(service.inputs.desiredCount, 1);
    const task = single(run, 'aws:ecs/taskDefinition:TaskDefinition');
    assert.deepEqual([task.inputs.cpu, task.inputs.memory], ['256', '512']);
    const [container] = JSON.parse(task.inputs.containerDefinitions);
    assert.equal(container.image, 'public.ecr.aws/nginx/nginx:1.27');
    assert.deepEqual(container.environment, []);
  });
});
