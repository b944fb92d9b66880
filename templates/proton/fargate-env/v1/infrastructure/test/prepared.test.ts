import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  listenerRemovalProblem,
  readListenersInUse,
  vpcAvailabilityZones,
} from '../prepared';

const HTTP = 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/prod/1/2';
const HTTPS = 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/prod/1/3';
const rule = (name: string, service?: string, instance?: string) => ({
  arn: `${HTTP.replace(':listener/', ':listener-rule/')}/${name}`,
  ...(service ? { service, instance } : {}),
});

describe('listeners services still use', () => {
  const inUse = readListenersInUse([
    {
      listenerArn: HTTP,
      port: 80,
      rules: [rule('a', 'orders', 'prod'), rule('b')],
    },
    { listenerArn: HTTPS, port: 443, rules: [rule('c', 'billing', 'prod')] },
  ]);

  it('refuses to turn the load balancer off under them, naming each', () => {
    assert.equal(
      listenerRemovalProblem({ loadBalancer: false }, inUse),
      'Input loadBalancer is false, and the load balancer still routes to service orders instance prod; ' +
        `rule ${HTTP.replace(
          ':listener/',
          ':listener-rule/',
        )}/b, made outside these templates; ` +
        'service billing instance prod: removing it would cut them off. ' +
        'Delete those service instances or deploy them to another environment first',
    );
  });

  it('refuses to remove the HTTPS listener under them, and lets HTTP listeners be', () => {
    assert.match(
      listenerRemovalProblem({ loadBalancer: true }, inUse)!,
      /^Input httpsCertificateArn is empty, and the HTTPS listener it would remove still routes to service billing instance prod: keep the certificate/,
    );
    assert.equal(
      listenerRemovalProblem(
        { loadBalancer: true, httpsCertificateArn: 'arn:aws:acm:x' },
        inUse,
      ),
      undefined,
    );
    assert.equal(
      listenerRemovalProblem({ loadBalancer: true }, [inUse[0]]),
      undefined,
    );
  });

  it('lets an unused load balancer go, and knows nothing without prepare.sh', () => {
    const unused = readListenersInUse([
      { listenerArn: HTTP, port: 80, rules: [] },
    ]);
    assert.equal(
      listenerRemovalProblem({ loadBalancer: false }, unused),
      undefined,
    );
    assert.deepEqual(readListenersInUse(undefined), []);
  });

  it('shortens a long list', () => {
    const many = readListenersInUse([
      {
        listenerArn: HTTP,
        port: 80,
        rules: Array.from({ length: 8 }, (_, i) =>
          rule(`r${i}`, `s${i}`, 'prod'),
        ),
      },
    ]);
    assert.match(
      listenerRemovalProblem({ loadBalancer: false }, many)!,
      /service s4 instance prod \(and 3 more\): removing it/,
    );
  });

  it('refuses a malformed configuration, naming the entry', () => {
    assert.throws(() => readListenersInUse({}), /must be a list/);
    assert.throws(
      () => readListenersInUse([{ listenerArn: HTTP }]),
      /listenersInUse\[0\] must have a listenerArn, a port and rules/,
    );
  });
});

describe('availability zones of the VPC', () => {
  it('takes three, or every zone of a Region with fewer; the awsx default when not counted', () => {
    assert.equal(vpcAvailabilityZones(6, true), 3);
    assert.equal(vpcAvailabilityZones(3, true), 3);
    assert.equal(vpcAvailabilityZones(2, true), 2);
    assert.equal(vpcAvailabilityZones(1, false), 1);
    assert.equal(vpcAvailabilityZones(undefined, true), undefined);
  });

  it('refuses a Region with one zone for a load balancer, which needs two', () => {
    assert.throws(() => vpcAvailabilityZones(1, true), {
      message:
        'The Region has 1 availability zone, and an Application Load Balancer needs subnets in two at least: ' +
        'deploy this environment in another Region, or with loadBalancer false',
    });
    assert.throws(
      () => vpcAvailabilityZones(0, false),
      /must be a positive whole number/,
    );
  });
});
