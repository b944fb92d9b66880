/**
 * Path-based routing on the environment's shared listener: which path patterns a service instance's
 * listener rule matches, and which priority the rule gets.
 *
 * Priorities must be unique per listener, so they are derived from the service and instance names and
 * then checked against the rules other instances already have on the listener (which every rule
 * records in its tags, see `ruleTags`):
 *
 * 1. Band by path depth. Rules are evaluated in ascending priority, and a path prefix must be tried
 *    after the longer paths it contains (`/api/*` after `/api/v2/*`, `/*` last), so the range 1..50000
 *    is split into ten bands of 5000: paths with nine or more segments get 1..5000, one segment
 *    40001..45000, the root path `/` 45001..50000.
 * 2. Start at a deterministic slot: the FNV-1a hash of `<service>/<instance>` modulo the band size.
 * 3. Keep the priority this instance's rule already has when it is still in the right band, so a
 *    redeploy never moves a rule; otherwise probe linearly (wrapping inside the band) from the start
 *    slot to the first priority no other instance's rule holds.
 *
 * AWS itself refuses a second rule with the same priority (PriorityInUse), so a collision can never
 * misroute traffic: at worst, when two instances are deployed at the same moment, or a rule was made
 * outside these templates (untagged), one deployment fails and succeeds when retried.
 */

/** Priorities per band, and the number of bands: 10 x 5000 = the 50000 priorities ALB allows. */
export const BAND_SIZE = 5000;
export const BAND_COUNT = 10;

/** Tag keys a service instance's listener rule carries, read back to choose priorities. */
export const RULE_TAGS = {
  listener: 'proton:listener',
  service: 'proton:service',
  instance: 'proton:service-instance',
  path: 'proton:path',
  priority: 'proton:listener-rule-priority',
} as const;

/** A listener rule found on the shared listener, as its tags describe it. */
export interface ListenerRuleRecord {
  arn: string;
  tags: Record<string, string>;
}

/** The number of segments of a path: `/` has 0, `/api` 1, `/api/v2` 2. */
export function pathDepth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** The ALB path patterns for a path prefix: the path itself and everything below it. */
export function pathPatterns(path: string): string[] {
  return path === '/' ? ['/*'] : [path, `${path}/*`];
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

/** The tags that identify an instance's rule; `priority` is added once chosen. */
export function ruleTags(options: {
  listenerArn: string;
  service: string;
  instance: string;
  path: string;
}): Record<string, string> {
  return {
    [RULE_TAGS.listener]: options.listenerArn,
    [RULE_TAGS.service]: options.service,
    [RULE_TAGS.instance]: options.instance,
    [RULE_TAGS.path]: options.path,
  };
}

/**
 * Chooses the listener rule priority of a service instance (see the module comment), given the rules
 * found on the listener. Fails when another instance already routes the same path, or when every
 * priority of the band is taken.
 */
export function chooseRulePriority(options: {
  service: string;
  instance: string;
  path: string;
  rules: ListenerRuleRecord[];
}): number {
  const { service, instance, path } = options;
  const isOwn = (rule: ListenerRuleRecord) =>
    rule.tags[RULE_TAGS.service] === service &&
    rule.tags[RULE_TAGS.instance] === instance;
  const owner = (rule: ListenerRuleRecord) =>
    `service ${rule.tags[RULE_TAGS.service]} instance ${
      rule.tags[RULE_TAGS.instance]
    }`;

  const others = options.rules.filter(rule => !isOwn(rule));
  const samePath = others.find(rule => rule.tags[RULE_TAGS.path] === path);
  if (samePath) {
    throw new Error(
      `Path ${path} is already routed to ${owner(samePath)} by listener rule ${
        samePath.arn
      }; ` + `give service ${service} instance ${instance} another path`,
    );
  }
  const taken = new Set(
    others
      .map(rule => Number(rule.tags[RULE_TAGS.priority]))
      .filter(Number.isInteger),
  );
  const band = priorityBand(path);
  const inBand = (priority: number) =>
    priority >= band.first && priority <= band.last;

  const current = options.rules
    .filter(isOwn)
    .map(rule => Number(rule.tags[RULE_TAGS.priority]))
    .find(priority => Number.isInteger(priority) && inBand(priority));
  if (current !== undefined && !taken.has(current)) return current;

  const start = fnv1a(`${service}/${instance}`) % BAND_SIZE;
  for (let step = 0; step < BAND_SIZE; step++) {
    const priority = band.first + ((start + step) % BAND_SIZE);
    if (!taken.has(priority)) return priority;
  }
  throw new Error(
    `All ${BAND_SIZE} listener rule priorities for paths of depth ${pathDepth(
      path,
    )} ` +
      `(${band.first}-${band.last}) are taken on this listener; remove unused service instances`,
  );
}
