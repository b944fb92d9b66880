import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BAND_SIZE,
  chooseRulePriority,
  hostsCover,
  hostsOverlap,
  shadows,
  fnv1a,
  ListenerRuleRecord,
  pathDepth,
  pathPatterns,
  priorityBand,
  readListenerRules,
  RULE_TAGS,
  stripPrefixTransform,
} from '../routing';
import { PATTERNS } from '../inputs';

/** A rule of these templates, as prepare.sh reads it from AWS (priority, path patterns, tags). */
function rule(
  service: string,
  instance: string,
  path: string,
  priority: number,
  hosts: string[] = [],
): ListenerRuleRecord {
  return {
    arn: `arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/${service}-${instance}`,
    priority,
    paths: pathPatterns(path),
    hosts,
    tags: {
      [RULE_TAGS.service]: service,
      [RULE_TAGS.instance]: instance,
      [RULE_TAGS.path]: path,
    },
  };
}

const base = (path: string, service = 'orders', instance = 'prod') =>
  priorityBand(path).first + (fnv1a(`${service}/${instance}`) % BAND_SIZE);

describe('path patterns and bands', () => {
  it('matches the path and what is below it; / matches everything', () => {
    assert.deepEqual(pathPatterns('/orders'), ['/orders', '/orders/*']);
    assert.deepEqual(pathPatterns('/api/v2'), ['/api/v2', '/api/v2/*']);
    assert.deepEqual(pathPatterns('/'), ['/*']);
  });

  it('puts deeper paths in earlier bands, and / last', () => {
    assert.equal(pathDepth('/'), 0);
    assert.equal(pathDepth('/a/b/c'), 3);
    assert.deepEqual(priorityBand('/'), { first: 45001, last: 50000 });
    assert.deepEqual(priorityBand('/api'), { first: 40001, last: 45000 });
    assert.deepEqual(priorityBand('/api/v2'), { first: 35001, last: 40000 });
    assert.deepEqual(priorityBand('/a/b/c/d/e/f/g/h/i'), {
      first: 1,
      last: 5000,
    });
    assert.deepEqual(priorityBand('/a/b/c/d/e/f/g/h/i/j/k'), {
      first: 1,
      last: 5000,
    });
    assert.ok(priorityBand('/api/v2').last < priorityBand('/api').first);
  });

  it('hashes with FNV-1a (32 bit)', () => {
    // Reference values of the 32-bit FNV-1a test vectors.
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.equal(fnv1a('foobar'), 0xbf9cf968);
  });
});

describe('stripPrefixTransform', () => {
  /** What ALB does with a url-rewrite: the first match of the expression replaced ($n: groups). */
  const rewrite = (path: string, url: string) => {
    const { regex, replace } =
      stripPrefixTransform(path).urlRewriteConfig.rewrite;
    const match = new RegExp(regex).exec(url);
    if (!match) return url; // no match: the request goes on unchanged
    return replace.replace(/\$(\d)/g, (_, n) => match[Number(n)] ?? '');
  };

  it('takes the prefix off every URL the rule routes, keeping what follows and the query', () => {
    assert.equal(rewrite('/orders', '/orders'), '/');
    assert.equal(rewrite('/orders', '/orders/'), '/');
    assert.equal(rewrite('/orders', '/orders/items/7'), '/items/7');
    assert.equal(rewrite('/orders', '/orders?page=2'), '/?page=2');
    assert.equal(
      rewrite('/orders', '/orders/items?size=2&x=/y'),
      '/items?size=2&x=/y',
    );
    assert.equal(rewrite('/api/v1.2', '/api/v1.2/status'), '/status');
    // a dot in the prefix is a dot, not any character
    assert.equal(rewrite('/api/v1.2', '/api/v1x2/status'), '/api/v1x2/status');
  });

  it("writes what AWS takes: an expression of 1 to 1,024 characters without ALB's unsupported features", () => {
    for (const path of [
      '/a',
      '/orders',
      `/${'x'.repeat(99)}`,
      '/a.b/c~d/e-f_g',
    ]) {
      assert.match(path, new RegExp(PATTERNS.path));
      const transform = stripPrefixTransform(path);
      assert.equal(transform.type, 'url-rewrite');
      const { regex, replace } = transform.urlRewriteConfig.rewrite;
      assert.ok(regex.length >= 1 && regex.length <= 1024, regex);
      assert.ok(replace.length <= 1024);
      // lookarounds, backreferences, atomic groups, possessive quantifiers, Unicode classes
      assert.doesNotMatch(regex, /\(\?[=!<>]|\\[1-9kpP]|[*+?}]\+/);
    }
  });
});

describe('chooseRulePriority', () => {
  it('is deterministic: the hash slot in the band when the listener has no rules', () => {
    const first = chooseRulePriority({
      service: 'orders',
      instance: 'prod',
      path: '/orders',
      rules: [],
    });
    assert.equal(first, base('/orders'));
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: [],
      }),
      first,
    );
    assert.ok(first >= 40001 && first <= 45000);
  });

  it('gives different instances different priorities (spread of 200 names in one band)', () => {
    const chosen = new Set<number>();
    const rules: ListenerRuleRecord[] = [];
    for (let index = 0; index < 200; index++) {
      const priority = chooseRulePriority({
        service: `svc${index}`,
        instance: 'prod',
        path: `/p${index}`,
        rules,
      });
      assert.ok(!chosen.has(priority), `priority ${priority} chosen twice`);
      chosen.add(priority);
      rules.push(rule(`svc${index}`, 'prod', `/p${index}`, priority));
    }
    assert.equal(chosen.size, 200);
  });

  it('probes past priorities other instances hold, wrapping inside the band', () => {
    const start = base('/orders');
    const taken = [start, start + 1].map((priority, index) =>
      rule(
        'other',
        `i${index}`,
        `/other${index}`,
        priority > 45000 ? priority - BAND_SIZE : priority,
      ),
    );
    const expected = start + 2 > 45000 ? start + 2 - BAND_SIZE : start + 2;
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: taken,
      }),
      expected,
    );
    // At the end of the band the probe continues at its start.
    const band = priorityBand('/orders');
    assert.notEqual(
      start,
      band.first,
      'the hash slot is not the first of the band',
    );
    const fullTail = Array.from({ length: band.last - start + 1 }, (_, index) =>
      rule('tail', `i${index}`, `/tail${index}`, start + index),
    );
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: fullTail,
      }),
      band.first,
    );
  });

  it('keeps the priority its rule already has, so a redeploy never moves it', () => {
    const own = rule('orders', 'prod', '/orders', 42424);
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: [own],
      }),
      42424,
    );
  });

  it('moves into the new band when the path depth changed', () => {
    const own = rule('orders', 'prod', '/orders', 42424);
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders/v2',
        rules: [own],
      }),
      base('/orders/v2'),
    );
  });

  it('fails with the colliding rule when another instance routes the same path', () => {
    const other = rule('billing', 'prod', '/orders', 41000);
    assert.throws(
      () =>
        chooseRulePriority({
          service: 'orders',
          instance: 'prod',
          path: '/orders',
          rules: [other],
        }),
      {
        message:
          `Path /orders is already routed to service billing instance prod by listener rule ${other.arn} (priority 41000); ` +
          'give service orders instance prod another path',
      },
    );
  });

  it('fails when a rule made outside these templates (untagged) matches one of its path patterns', () => {
    const outside: ListenerRuleRecord = {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/manual',
      priority: 10,
      paths: ['/legacy', '/orders/*'],
      hosts: [],
      tags: {},
    };
    assert.throws(
      () =>
        chooseRulePriority({
          service: 'orders',
          instance: 'prod',
          path: '/orders',
          rules: [outside],
        }),
      /Path \/orders is already routed to a rule not made by these templates by listener rule .*manual \(priority 10\)/,
    );
  });

  it('knows its own rule by the ARN in its stack, even when the rule lost its tags', () => {
    const own: ListenerRuleRecord = {
      ...rule('orders', 'prod', '/orders', 42424),
      tags: {},
    };
    assert.equal(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: [own],
        ownArn: own.arn,
      }),
      42424,
    );
  });

  it('refuses a rule tagged as its own that its stack does not hold (left by an interrupted run)', () => {
    const orphan = {
      ...rule('orders', 'prod', '/orders', 42424),
      arn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/orphan',
    };
    const own = rule('orders', 'prod', '/orders', 42000);
    assert.throws(
      () =>
        chooseRulePriority({
          service: 'orders',
          instance: 'prod',
          path: '/orders',
          rules: [own, orphan],
          ownArn: own.arn,
        }),
      /already routed to an earlier rule of this same instance that its stack no longer holds \(left by an interrupted run: delete it\) by listener rule .*orphan/,
    );
  });

  it('does not take a priority an untagged rule holds, whatever its path', () => {
    const outside: ListenerRuleRecord = {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/manual',
      priority: base('/orders'),
      paths: ['/legacy'],
      hosts: [],
      tags: {},
    };
    assert.notEqual(
      chooseRulePriority({
        service: 'orders',
        instance: 'prod',
        path: '/orders',
        rules: [outside],
      }),
      base('/orders'),
    );
  });

  it('fails clearly when the whole band is taken', () => {
    const band = priorityBand('/');
    const rules = Array.from({ length: BAND_SIZE }, (_, index) =>
      rule('s', `i${index}`, `/x${index}`, band.first + index),
    );
    assert.throws(
      () =>
        chooseRulePriority({
          service: 'orders',
          instance: 'prod',
          path: '/',
          rules,
        }),
      /All 5000 listener rule priorities for paths of depth 0 \(45001-50000\) are taken/,
    );
  });
});

describe('readListenerRules', () => {
  it('reads what prepare.sh writes, and no rules when it wrote none', () => {
    assert.deepEqual(readListenerRules(undefined), []);
    assert.deepEqual(
      readListenerRules([
        { arn: 'arn:r', priority: 7, paths: ['/a', '/a/*'], tags: { k: 'v' } },
        { arn: 'arn:s', priority: 8, paths: ['/b'], hosts: ['b.example.com'] },
      ]),
      [
        {
          arn: 'arn:r',
          priority: 7,
          paths: ['/a', '/a/*'],
          hosts: [],
          tags: { k: 'v' },
        },
        {
          arn: 'arn:s',
          priority: 8,
          paths: ['/b'],
          hosts: ['b.example.com'],
          tags: {},
        },
      ],
    );
  });

  it('refuses a malformed list, naming the entry', () => {
    assert.throws(() => readListenerRules({}), /must be a list/);
    assert.throws(
      () => readListenerRules([{ arn: 'arn:r', priority: '7' }]),
      /listenerRules\[0\] must have an arn and a whole-number priority/,
    );
  });
});

/** The priority of service orders instance prod at /orders, on the hosts given, among the rules. */
const chooseForOrders = (rules: ListenerRuleRecord[], hosts: string[] = []) =>
  chooseRulePriority({
    service: 'orders',
    instance: 'prod',
    path: '/orders',
    hosts,
    rules,
  });

describe('host names beside paths (1.6)', () => {
  const choose = (hosts: string[], rules: ListenerRuleRecord[]) =>
    chooseForOrders(rules, hosts);

  it('lets two instances share a path on hosts that cannot match the same request', () => {
    const other = rule('billing', 'prod', '/orders', 41000, [
      'billing.example.com',
    ]);
    const priority = choose(['orders.example.com'], [other]);
    assert.notEqual(priority, 41000);
    assert.equal(priority, base('/orders'));
  });

  it('refuses a shared path when the other rule answers every host, or the same host in any case or by wildcard', () => {
    const cases: [string[], string[], RegExp][] = [
      [
        [],
        ['orders.example.com'],
        /already routed for every host to service billing/,
      ],
      [
        ['orders.example.com'],
        [],
        /already routed for host orders\.example\.com to service billing/,
      ],
      [
        ['Orders.Example.com'],
        ['orders.example.com'],
        /already routed for host Orders\.Example\.com/,
      ],
      [
        ['*.example.com'],
        ['orders.example.com'],
        /already routed for host \*\.example\.com/,
      ],
      [['orders.example.co?'], ['orders.example.com'], /already routed/],
    ];
    for (const [otherHosts, hosts, message] of cases) {
      const other = rule('billing', 'prod', '/orders', 41000, otherHosts);
      assert.throws(
        () => choose(hosts, [other]),
        message,
        JSON.stringify({ otherHosts, hosts }),
      );
    }
    assert.throws(
      () =>
        choose(
          ['orders.example.com'],
          [rule('billing', 'prod', '/orders', 41000)],
        ),
      /give service orders instance prod another path or host names that no other rule of this path answers/,
    );
  });

  it('decides overlap as ALB matches host headers: without case, * for any characters, ? for one', () => {
    assert.equal(hostsOverlap([], []), true);
    assert.equal(hostsOverlap(['a.example.com'], ['b.example.com']), false);
    assert.equal(hostsOverlap(['a.example.com'], ['A.EXAMPLE.COM']), true);
    assert.equal(hostsOverlap(['*.example.com'], ['a.example.com']), true);
    assert.equal(hostsOverlap(['*.example.com'], ['example.com']), false);
    assert.equal(hostsOverlap(['a?.example.com'], ['ab.example.com']), true);
    assert.equal(hostsOverlap(['a?.example.com'], ['abc.example.com']), false);
    // a dot in a host is a dot, not "any character"
    assert.equal(hostsOverlap(['a.example.com'], ['axexample.com']), false);
    // two wildcard values are taken to overlap
    assert.equal(hostsOverlap(['*.a.com'], ['*.b.com']), true);
  });
});

describe('rules AWS evaluates first that take the path', () => {
  const outside = (
    pattern: string,
    priority: number,
    hosts: string[] = [],
  ): ListenerRuleRecord => ({
    arn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/manual',
    priority,
    paths: [pattern],
    hosts,
    tags: {},
  });
  const choose = chooseForOrders;

  it('refuses a path a wildcard rule of a lower priority matches, naming the rule and its pattern', () => {
    assert.throws(() => choose([outside('/ord*', 10)]), {
      message:
        'Path /orders would be shadowed by listener rule arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/lb/1/2/manual ' +
        '(priority 10, a rule not made by these templates), which AWS evaluates first and whose path pattern /ord* matches it; ' +
        'give service orders instance prod another path, or change that rule',
    });
    assert.throws(() => choose([outside('/*', 1)]), /would be shadowed/);
    assert.throws(
      () => choose([outside('/orders/**', 5)]),
      /would be shadowed/,
    );
    assert.throws(() => choose([outside('/o?ders', 5)]), /would be shadowed/);
  });

  it('refuses a rule made by hand on hosts alone (every path), for the hosts it answers', () => {
    const hostOnly: ListenerRuleRecord = {
      ...outside('/x', 3, ['orders.example.com']),
      paths: [],
    };
    assert.throws(
      () => choose([hostOnly], ['orders.example.com']),
      /would be shadowed .* whose path pattern \* matches it/,
    );
  });

  it('lets be a rule that takes part of the traffic: more conditions, some of the hosts, part of the paths below', () => {
    assert.equal(
      choose([{ ...outside('/*', 1), otherConditions: true }]),
      base('/orders'),
    );
    // the instance answers every host; the rule only one
    assert.equal(
      choose([outside('/*', 1, ['admin.example.com'])]),
      base('/orders'),
    );
    assert.equal(choose([outside('/orders/??', 1)]), base('/orders'));
    assert.equal(choose([outside('/orders???', 1)]), base('/orders'));
  });

  it('does not check these templates’ own rules, which the bands order', () => {
    const root = rule('web', 'prod', '/', 1);
    assert.equal(choose([root]), base('/orders'));
  });

  it('lets be what comes after it, what takes only part of the path, and rules for other hosts', () => {
    // evaluated after this instance's rule
    assert.equal(choose([outside('/ord*', 49000)]), base('/orders'));
    // deeper paths are meant to come first, and a pattern for part of what is below
    assert.equal(choose([outside('/orders/v2/*', 10)]), base('/orders'));
    assert.equal(choose([outside('/orders/a*', 10)]), base('/orders'));
    assert.equal(choose([outside('*.png', 10)]), base('/orders'));
    // another host
    assert.equal(
      choose([outside('/*', 1, ['admin.example.com'])], ['orders.example.com']),
      base('/orders'),
    );
  });

  it('knows when a rule takes every host an instance answers', () => {
    assert.equal(hostsCover([], []), true);
    assert.equal(hostsCover([], ['a.example.com']), true);
    assert.equal(hostsCover(['a.example.com'], []), false);
    assert.equal(
      hostsCover(['*.example.com'], ['a.example.com', 'b.example.com']),
      true,
    );
    assert.equal(
      hostsCover(['a.example.com'], ['a.example.com', 'b.example.com']),
      false,
    );
  });

  it('matches as ALB does: case-sensitive, * across slashes, ? for one character', () => {
    assert.equal(shadows('/ORDERS*', '/orders'), false);
    assert.equal(shadows('/*', '/orders/v2'), true);
    assert.equal(shadows('/orders?', '/orders'), false);
    assert.equal(shadows('/orders/?', '/orders'), false);
    assert.equal(shadows('/orders*', '/orders'), true);
    assert.equal(shadows('/orders/*', '/orders'), true);
    assert.equal(shadows('/orders', '/orders'), true);
    assert.equal(shadows('/orders.json', '/ordersxjson'), false);
    assert.equal(shadows('/*', '/'), true);
  });
});
