/**
 * Path-based routing on the environment's shared listener: which path patterns a service instance's
 * listener rule matches, and which priority the rule gets.
 *
 * Priorities must be unique per listener. They are chosen against the listener's rules as AWS has them:
 * provision.sh runs prepare.sh before `pulumi up`, which reads every rule (ELB DescribeRules: priority
 * and path patterns) with its tags (DescribeTags) into the stack configuration `listenerRules`.
 *
 * 1. Band by path depth. Rules are evaluated in ascending priority, and a path prefix must be tried
 *    after the longer paths it contains (`/api/*` after `/api/v2/*`, `/*` last), so the range 1..50000
 *    is split into ten bands of 5000: paths with nine or more segments get 1..5000, one segment
 *    40001..45000, the root path `/` 45001..50000.
 * 2. Start at a deterministic slot: the FNV-1a hash of `<service>/<instance>` modulo the band size.
 * 3. Keep the priority this instance's rule already has (the rule the stack's state holds, or, before
 *    the stack holds one, the rule tagged with this service and instance) when it is still in the right
 *    band, so a redeploy never moves a rule; otherwise probe linearly (wrapping inside the band) from
 *    the start slot to the first priority no other rule holds.
 *
 * A rule of any other owner (another instance, or one made outside these templates) that already
 * matches one of this instance's path patterns for a host this instance also answers would shadow it or
 * be shadowed: the deployment fails, naming that rule. A rule without a host-header condition answers
 * every host, so two rules with the same path pattern may share a listener only when both name their
 * hosts and no host of one matches a host of the other (ALB's `*` and `?` wildcards included). Paths
 * still come first: a deeper path of any host is tried before a shallower one for a named host.
 *
 * A rule made outside these templates that AWS evaluates before this instance's (a lower priority)
 * and takes all of its traffic, on its path itself or everything below it (a wildcard rule made by
 * hand, `/ord*` or `/*`, or a rule matching on hosts alone), would leave it none: the deployment fails,
 * naming that rule and its pattern. A rule that takes only part of it (other conditions besides path
 * and host, some of its hosts, part of the paths below, `/orders/v2/*`, `*.png`) is let be. Paths of
 * nine segments or more share the first band, where a prefix can come before a longer path: these
 * templates' own rules are not checked against each other there. When two instances take the same free priority at the same moment, AWS refuses the
 * second (PriorityInUse) and provision.sh reads the rules and deploys again.
 */

/** Priorities per band, and the number of bands: 10 x 5000 = the 50000 priorities ALB allows. */
export const BAND_SIZE = 5000;
export const BAND_COUNT = 10;

/** Tag keys a service instance's listener rule carries: which instance it routes, and its path. */
export const RULE_TAGS = {
  service: 'proton:service',
  instance: 'proton:service-instance',
  path: 'proton:path',
} as const;

/** A rule of the shared listener, as prepare.sh reads it from AWS. */
export interface ListenerRuleRecord {
  arn: string;
  /** Its priority on the listener (1 to 50000). */
  priority: number;
  /** The values of its path-pattern conditions. */
  paths: string[];
  /** The values of its host-header conditions; empty: it answers every host. */
  hosts: string[];
  /**
   * Whether it has conditions besides path and host (HTTP header, method, query string, source IP):
   * it then takes only part of the traffic of its paths and hosts.
   */
  otherConditions?: boolean;
  /** Its tags: those of these templates name the service instance it routes. */
  tags: Record<string, string>;
}

/**
 * Reads the configuration `listenerRules` prepare.sh writes (absent: no rules, as on a listener
 * nothing routes to yet, or in a simulation).
 *
 * @throws Error naming what is malformed
 */
export function readListenerRules(value: unknown): ListenerRuleRecord[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new Error(
      'Configuration listenerRules must be a list of listener rules',
    );
  }
  return value.map((rule, index) => {
    const at = `listenerRules[${index}]`;
    if (typeof rule?.arn !== 'string' || !Number.isInteger(rule?.priority)) {
      throw new Error(
        `Configuration ${at} must have an arn and a whole-number priority`,
      );
    }
    const strings = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.filter((v: unknown): v is string => typeof v === 'string')
        : [];
    const tags = rule.tags && typeof rule.tags === 'object' ? rule.tags : {};
    return {
      arn: rule.arn,
      priority: rule.priority,
      paths: strings(rule.paths),
      hosts: strings(rule.hosts),
      ...(rule.otherConditions === true ? { otherConditions: true } : {}),
      tags,
    };
  });
}

/** The number of segments of a path: `/` has 0, `/api` 1, `/api/v2` 2. */
export function pathDepth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** The ALB path patterns for a path prefix: the path itself and everything below it. */
export function pathPatterns(path: string): string[] {
  return path === '/' ? ['/*'] : [path, `${path}/*`];
}

/**
 * The listener rule's transform that strips a path prefix (an ALB rule transform of type
 * `url-rewrite`; Elastic Load Balancing User Guide, "Transforms for listener rules"): `/orders`,
 * `/orders/` and `/orders/items?size=2` reach the container as `/`, `/` and `/items?size=2`. The
 * rule's path patterns already hold only that prefix, so the expression needs no more than to
 * match it; it uses none of what ALB expressions lack (lookarounds, backreferences and so on).
 *
 * @param path - a path prefix other than `/` (the schema's pattern: segments of letters, digits and
 *   `._~-`)
 */
export function stripPrefixTransform(path: string) {
  return {
    type: 'url-rewrite',
    urlRewriteConfig: {
      rewrite: {
        regex: `^${path.replace(/\./g, '\\.')}/?(.*)$`,
        replace: '/$1',
      },
    },
  };
}

/** The inclusive priority range for a path: deeper paths come first. */
export function priorityBand(path: string): { first: number; last: number } {
  const band = BAND_COUNT - 1 - Math.min(pathDepth(path), BAND_COUNT - 1);
  return { first: band * BAND_SIZE + 1, last: (band + 1) * BAND_SIZE };
}

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * An ALB pattern as a regular expression: `*` any characters, `?` one, everything else as itself.
 * Host headers compare without case (`i`), paths with case.
 */
function globRegExp(pattern: string, flags = ''): RegExp {
  const source = pattern
    .split('')
    .map(c =>
      c === '*'
        ? '.*'
        : c === '?'
        ? '.'
        : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, flags);
}

/** A host-header value as a regular expression: ALB's `*` (any characters) and `?` (one), no case. */
function hostPattern(host: string): RegExp {
  return globRegExp(host, 'i');
}

/**
 * Whether two rules' host-header values can match the same request: either has none (every host), or
 * a value of one matches a value of the other. Two values that both hold wildcards are taken to
 * overlap (deciding whether two globs share a match is not worth the risk of a wrong answer).
 */
export function hostsOverlap(a: string[], b: string[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const wild = (host: string) => /[*?]/.test(host);
  return a.some(x =>
    b.some(y => {
      if (wild(x) && wild(y)) return true;
      return hostPattern(x).test(y) || hostPattern(y).test(x);
    }),
  );
}

/** The tags that identify an instance's rule. */
export function ruleTags(options: {
  service: string;
  instance: string;
  path: string;
}): Record<string, string> {
  return {
    [RULE_TAGS.service]: options.service,
    [RULE_TAGS.instance]: options.instance,
    [RULE_TAGS.path]: options.path,
  };
}

/**
 * Chooses the listener rule priority of a service instance (see the module comment), given the rules
 * of the listener. Fails when a rule of another owner already matches one of the instance's path
 * patterns for a host it answers, when a rule made outside these templates evaluated first would take
 * all of its traffic, or when every priority of the band is taken.
 */
export function chooseRulePriority(options: {
  service: string;
  instance: string;
  path: string;
  /** The host names the instance's rule matches besides its path; empty or absent: every host. */
  hosts?: string[];
  rules: ListenerRuleRecord[];
  /** The ARN of the rule the stack's state holds, when it holds one. */
  ownArn?: string;
}): number {
  const { service, instance, path, ownArn } = options;
  const taggedAsThis = (rule: ListenerRuleRecord) =>
    rule.tags[RULE_TAGS.service] === service &&
    rule.tags[RULE_TAGS.instance] === instance;
  const isOwn = (rule: ListenerRuleRecord) =>
    ownArn ? rule.arn === ownArn : taggedAsThis(rule);
  const owner = (rule: ListenerRuleRecord) => {
    if (taggedAsThis(rule)) {
      return 'an earlier rule of this same instance that its stack no longer holds (left by an interrupted run: delete it)';
    }
    return rule.tags[RULE_TAGS.service] !== undefined
      ? `service ${rule.tags[RULE_TAGS.service]} instance ${
          rule.tags[RULE_TAGS.instance]
        }`
      : 'a rule not made by these templates';
  };

  const others = options.rules.filter(rule => !isOwn(rule));
  const patterns = new Set(pathPatterns(path));
  const hosts = options.hosts ?? [];
  const overlapping = others.find(
    rule =>
      rule.paths.some(p => patterns.has(p)) && hostsOverlap(rule.hosts, hosts),
  );
  if (overlapping) {
    const where =
      overlapping.hosts.length > 0
        ? ` for host ${overlapping.hosts.join(', ')}`
        : hosts.length > 0
        ? ' for every host'
        : '';
    throw new Error(
      `Path ${path} is already routed${where} to ${owner(
        overlapping,
      )} by listener rule ${overlapping.arn} (priority ${
        overlapping.priority
      }); ` +
        `give service ${service} instance ${instance} another path${
          hosts.length > 0 || overlapping.hosts.length > 0
            ? ' or host names that no other rule of this path answers'
            : ''
        }`,
    );
  }
  const taken = new Set(others.map(rule => rule.priority));
  const band = priorityBand(path);
  const inBand = (priority: number) =>
    priority >= band.first && priority <= band.last;

  const current = options.rules
    .filter(isOwn)
    .map(rule => rule.priority)
    .find(priority => inBand(priority));
  const priority =
    current !== undefined && !taken.has(current)
      ? current
      : firstFree(band, fnv1a(`${service}/${instance}`) % BAND_SIZE, taken);
  if (priority === undefined) {
    throw new Error(
      `All ${BAND_SIZE} listener rule priorities for paths of depth ${pathDepth(
        path,
      )} ` +
        `(${band.first}-${band.last}) are taken on this listener; remove unused service instances`,
    );
  }

  // A rule made outside these templates that AWS evaluates first (a lower priority) and that takes all
  // of this instance's traffic on its path, or everything below it, leaves it none: a wildcard rule
  // made by hand (`/ord*`, `/*`), say, or one matching on hosts alone. One that takes only part of it
  // (more conditions than path and host, some of its hosts, part of the paths below) is let be.
  const shadowing = others.find(
    rule =>
      rule.tags[RULE_TAGS.service] === undefined &&
      !rule.otherConditions &&
      rule.priority < priority &&
      hostsCover(rule.hosts, hosts) &&
      shadowingPatterns(rule, path).length > 0,
  );
  if (shadowing) {
    throw new Error(
      `Path ${path} would be shadowed by listener rule ${
        shadowing.arn
      } (priority ${shadowing.priority}, ${owner(
        shadowing,
      )}), which AWS evaluates first and whose path pattern ${shadowingPatterns(
        shadowing,
        path,
      ).join(', ')} matches it; ` +
        `give service ${service} instance ${instance} another path, or change that rule`,
    );
  }
  return priority;
}

/** The path patterns of a rule that shadow a path; a rule without any matches every path (`*`). */
function shadowingPatterns(rule: ListenerRuleRecord, path: string): string[] {
  const patterns = rule.paths.length > 0 ? rule.paths : ['*'];
  return patterns.filter(pattern => shadows(pattern, path));
}

/**
 * Whether a rule's host-header values take every host an instance answers: the rule has none (every
 * host), or each of the instance's host names matches one of them. An instance without host names
 * answers every host, which only a rule without host names covers.
 */
export function hostsCover(ruleHosts: string[], hosts: string[]): boolean {
  if (ruleHosts.length === 0) return true;
  if (hosts.length === 0) return false;
  return hosts.every(host =>
    ruleHosts.some(ruleHost => hostPattern(ruleHost).test(host)),
  );
}

/** The first priority of the band, probing from `start`, that no other rule holds. */
function firstFree(
  band: { first: number; last: number },
  start: number,
  taken: Set<number>,
): number | undefined {
  for (let step = 0; step < BAND_SIZE; step++) {
    const priority = band.first + ((start + step) % BAND_SIZE);
    if (!taken.has(priority)) return priority;
  }
  return undefined;
}

/**
 * Whether an ALB path pattern (case-sensitive; `*` any characters, `/` included, `?` one) matches a
 * path prefix itself or everything below it.
 */
export function shadows(pattern: string, path: string): boolean {
  const glob = globRegExp(pattern);
  // everything below: a probe standing for any path under it, longer than any path, of a character
  // no path has, which only a pattern that takes whatever follows can match
  const probe = `${path === '/' ? '' : path}/${'\u0001'.repeat(200)}`;
  return glob.test(path) || glob.test(probe);
}
