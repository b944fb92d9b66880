/**
 * The resources a deployment would create, update, replace or delete, from the resources a
 * template's program registers for the current deployment and for the proposed one.
 */

import type { ProtonResourceChange } from '@proton-platform/plugin-aws-proton-common';

/**
 * A resource a template's program registers, as a runner that can plan ahead computes it (the
 * `simulate` runner: the Pulumi program under Pulumi's mock runtime).
 *
 * @public
 */
export interface PlannedResource {
  /** The resource's type token, e.g. `aws:lb/targetGroup:TargetGroup`. */
  type: string;
  /** The resource's logical name in the program. */
  name: string;
  /** Whether it is a provider's resource; false for a component, which only groups others. */
  custom: boolean;
  /** The inputs the program gives it. */
  inputs: Record<string, unknown>;
  /** Its id as planned, which other resources' inputs may carry to refer to it. */
  id?: string;
  /** Its ARN as planned, which other resources' inputs may carry to refer to it. */
  arn?: string;
}

/**
 * The resource changes of a deployment, as the control plane's preview route answers them.
 *
 * @public
 */
export interface ResourcePreview {
  /** The resources that would change, creations first, then replacements, updates and deletions. */
  changes: ProtonResourceChange[];
  /** How many resources would stay as they are. */
  unchanged: number;
}

/**
 * The inputs whose change replaces a resource, as Pulumi's AWS provider marks them "forces
 * replacement" (the AWS APIs cannot change them): `name` and `namePrefix` on every type (AWS has no
 * rename), and per type for those the bundles use. Types marked `*` change in place only their tags
 * and the provider's own settings (an ECS task definition revision cannot be changed, only registered
 * anew).
 */
const REPLACING_INPUTS: Record<string, string[] | '*'> = {
  'aws:ecs/taskDefinition:TaskDefinition': '*',
  'aws:lb/targetGroup:TargetGroup': [
    'port',
    'protocol',
    'vpcId',
    'targetType',
    'protocolVersion',
  ],
  'aws:lb/loadBalancer:LoadBalancer': ['internal', 'loadBalancerType'],
  'aws:lb/listener:Listener': ['loadBalancerArn'],
  'aws:lb/listenerRule:ListenerRule': ['listenerArn'],
  'aws:ec2/securityGroup:SecurityGroup': ['description', 'vpcId'],
  'aws:ecs/service:Service': ['cluster', 'launchType', 'schedulingStrategy'],
  'aws:iam/role:Role': ['path'],
  'aws:cloudwatch/logGroup:LogGroup': [],
  'aws:ec2/subnet:Subnet': ['vpcId', 'cidrBlock', 'availabilityZone'],
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
};

const NAMING_INPUTS = ['name', 'namePrefix'];

/**
 * Inputs every type updates in place: tags, and the provider's own settings, which AWS never sees
 * (what to do on delete, whether to wait for a steady state).
 */
const IN_PLACE_INPUTS = [
  'tags',
  'tagsAll',
  'skipDestroy',
  'forceDestroy',
  'forceDelete',
  'waitForSteadyState',
];

/** Whether changing `input` replaces a resource of `type`. */
function replaces(type: string, input: string): boolean {
  if (NAMING_INPUTS.includes(input)) return true;
  const replacing = REPLACING_INPUTS[type];
  if (replacing === '*') return !IN_PLACE_INPUTS.includes(input);
  return replacing?.includes(input) ?? false;
}

const ORDER: Record<ProtonResourceChange['action'], number> = {
  create: 0,
  replace: 1,
  update: 2,
  delete: 3,
};

/** Values compared by their JSON text with object keys sorted, so key order does not count. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}

/**
 * Keys resources by type and name; a second resource of the same type and name (under another
 * parent) gets its ordinal, so that the lists still pair up in registration order.
 */
function keyed(resources: PlannedResource[]): Map<string, PlannedResource> {
  const result = new Map<string, PlannedResource>();
  for (const resource of resources) {
    if (!resource.custom) continue;
    const base = `${resource.type}::${resource.name}`;
    let key = base;
    for (let n = 2; result.has(key); n += 1) key = `${base}#${n}`;
    result.set(key, resource);
  }
  return result;
}

function changeOf(
  resource: PlannedResource,
  changedInputs: string[],
): ProtonResourceChange {
  return {
    action: changedInputs.some(input => replaces(resource.type, input))
      ? 'replace'
      : 'update',
    type: resource.type,
    name: resource.name,
    changedInputs,
  };
}

/**
 * Compares the provider resources (components left out) the current deployment registers with those
 * the proposed one registers, paired by type and logical name, as Pulumi pairs resources by URN.
 * A resource whose inputs refer to a replaced one (hold its ARN, or its id when no other resource
 * has that id) is updated to the replacement, or replaced when that input replaces it, and so on
 * down the references.
 *
 * @param current - the resources of the deployment the resource runs now
 * @param proposed - the resources of the deployment being previewed
 */
export function compareResources(
  current: PlannedResource[],
  proposed: PlannedResource[],
): ResourcePreview {
  const before = keyed(current);
  const after = keyed(proposed);
  /** The changes of the proposed resources, by key. */
  const changed = new Map<string, ProtonResourceChange>();
  for (const [key, resource] of after) {
    const old = before.get(key);
    if (!old) {
      changed.set(key, {
        action: 'create',
        type: resource.type,
        name: resource.name,
      });
      continue;
    }
    const names = new Set([
      ...Object.keys(old.inputs),
      ...Object.keys(resource.inputs),
    ]);
    const changedInputs = [...names]
      .filter(
        name =>
          canonical(old.inputs[name]) !== canonical(resource.inputs[name]),
      )
      .sort();
    if (changedInputs.length > 0) {
      changed.set(key, changeOf(resource, changedInputs));
    }
  }
  followReplacements(after, changed);
  const changes = [...changed.values()];
  for (const [key, resource] of before) {
    if (!after.has(key)) {
      changes.push({
        action: 'delete',
        type: resource.type,
        name: resource.name,
      });
    }
  }
  changes.sort((a, b) => ORDER[a.action] - ORDER[b.action]);
  return { changes, unchanged: after.size - changed.size };
}

/**
 * Marks the resources whose inputs refer to a replaced resource (whole, or within a string such as
 * a policy document) as changed in those inputs, until nothing more changes: a replaced resource
 * gets a new id and ARN, an update in place keeps them.
 */
function followReplacements(
  after: Map<string, PlannedResource>,
  changed: Map<string, ProtonResourceChange>,
): void {
  const idCounts = new Map<string, number>();
  for (const resource of after.values()) {
    if (resource.id)
      idCounts.set(resource.id, (idCounts.get(resource.id) ?? 0) + 1);
  }
  const followed = new Set<string>();
  for (;;) {
    const replaced = [...after].filter(
      ([key]) => changed.get(key)?.action === 'replace' && !followed.has(key),
    );
    if (replaced.length === 0) return;
    const references = replaced.flatMap(([key, resource]) => {
      followed.add(key);
      // an id shared by resources of other types (names repeat across types) tells nothing
      const values = [resource.arn];
      if (resource.id && idCounts.get(resource.id) === 1)
        values.push(resource.id);
      return values
        .filter((value): value is string => Boolean(value))
        .map(
          value =>
            new RegExp(
              `(?<![\\w.-])${value.replace(
                /[.*+?^${}()|[\]\\/]/g,
                '\\$&',
              )}(?![\\w.-])`,
            ),
        );
    });
    for (const [key, resource] of after) {
      const change = changed.get(key);
      if (change && change.action !== 'update') continue;
      const referring = Object.entries(resource.inputs)
        .filter(([, value]) =>
          stringsIn(value).some(text =>
            references.some(reference => reference.test(text)),
          ),
        )
        .map(([name]) => name);
      if (referring.length === 0) continue;
      changed.set(
        key,
        changeOf(
          resource,
          [...new Set([...(change?.changedInputs ?? []), ...referring])].sort(),
        ),
      );
    }
  }
}

/** Every string in a value, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}
