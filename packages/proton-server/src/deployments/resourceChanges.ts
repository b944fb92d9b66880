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
  /**
   * The values other resources' inputs carry to refer to it (its id and ARN as planned): a resource
   * whose input holds one of a replaced resource's is updated to the replacement.
   */
  references?: string[];
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
 * The inputs that make a resource's physical name: when one of them changes, the resource is
 * replaced (Pulumi's AWS provider marks `name` and `namePrefix` "forces replacement" on every
 * resource type that has them, as the AWS APIs have no rename).
 */
const NAMING_INPUTS = ['name', 'namePrefix'];

/**
 * Types whose every change but their tags is a replacement: the provider marks all their other
 * inputs "forces replacement" (an ECS task definition revision cannot be changed, only registered
 * anew; its tags can).
 */
const IMMUTABLE_TYPES = ['aws:ecs/taskDefinition:TaskDefinition'];

/** Inputs every type updates in place. */
const TAG_INPUTS = ['tags', 'tagsAll'];

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

/**
 * Compares the provider resources (components left out) the current deployment registers with those
 * the proposed one registers, paired by type and logical name, as Pulumi pairs resources by URN.
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
  const changes: ProtonResourceChange[] = [];
  let unchanged = 0;
  for (const [key, resource] of after) {
    const old = before.get(key);
    if (!old) {
      changes.push({
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
    if (changedInputs.length === 0) {
      unchanged += 1;
      continue;
    }
    changes.push({
      action: changedInputs.some(
        name =>
          NAMING_INPUTS.includes(name) ||
          (IMMUTABLE_TYPES.includes(resource.type) &&
            !TAG_INPUTS.includes(name)),
      )
        ? 'replace'
        : 'update',
      type: resource.type,
      name: resource.name,
      changedInputs,
    });
  }
  unchanged -= followReplacements(after, changes);
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
  return { changes, unchanged };
}

/**
 * Marks the resources whose inputs refer to a replaced resource (hold its id or ARN, whole or within
 * a string such as a policy document) as updated to the replacement, as the provider will; an
 * update in place keeps a resource's id, so nothing follows from those.
 *
 * @returns how many resources counted as unchanged are updated after all
 */
function followReplacements(
  after: Map<string, PlannedResource>,
  changes: ProtonResourceChange[],
): number {
  const byKey = new Map(
    changes.map(change => [`${change.type}::${change.name}`, change]),
  );
  let promoted = 0;
  const replaced = [...after.values()].filter(
    resource =>
      byKey.get(`${resource.type}::${resource.name}`)?.action === 'replace',
  );
  const references = replaced
    .flatMap(resource => resource.references ?? [])
    .map(
      reference =>
        new RegExp(
          `(?<![\\w.-])${reference.replace(
            /[.*+?^${}()|[\]\\/]/g,
            '\\$&',
          )}(?![\\w.-])`,
        ),
    );
  if (references.length === 0) return 0;
  for (const resource of after.values()) {
    const key = `${resource.type}::${resource.name}`;
    const change = byKey.get(key);
    if (change && change.action !== 'update') continue;
    const referring = Object.entries(resource.inputs)
      .filter(([, value]) =>
        stringsIn(value).some(text =>
          references.some(reference => reference.test(text)),
        ),
      )
      .map(([name]) => name);
    if (referring.length === 0) continue;
    if (change) {
      change.changedInputs = [
        ...new Set([...(change.changedInputs ?? []), ...referring]),
      ].sort();
    } else {
      const update: ProtonResourceChange = {
        action: 'update',
        type: resource.type,
        name: resource.name,
        changedInputs: referring.sort(),
      };
      changes.push(update);
      byKey.set(key, update);
      promoted += 1;
    }
  }
  return promoted;
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
