import { appendKey } from './issues';
import { checkBackwardCompatibility } from './compatibility';
import { toJsonSchema } from './jsonSchema';
import type { JsonSchema, ProtonInputsKind, ProtonSchema } from './types';

/**
 * One input as a version declares it.
 *
 * @public
 */
export interface ProtonInputSummary {
  /** The input's path relative to the input type: `port`, `network.cidr`. */
  path: string;
  /** Its title, when the schema gives one. */
  title?: string;
  /** Its JSON type: `string`, `integer`, `number`, `boolean`, `array`, `object`. */
  type?: string;
  /** Its default, when it has one. */
  default?: unknown;
  /** True when it must be given. */
  required: boolean;
}

/**
 * How the inputs of one kind differ between two versions of a template.
 *
 * @public
 */
export interface ProtonInputsDiff {
  /** Inputs the newer version declares and the older does not. */
  added: ProtonInputSummary[];
  /** Inputs the older version declares and the newer does not. */
  removed: ProtonInputSummary[];
  /** Inputs whose type changed, e.g. `integer` to `string`. */
  typeChanged: Array<{ path: string; from?: string; to?: string }>;
  /** Inputs whose default was added, changed or removed. */
  defaultChanged: Array<{ path: string; from?: unknown; to?: unknown }>;
  /**
   * The changes that can make inputs valid for the older version invalid for the newer (see
   * `checkBackwardCompatibility`): empty for a backward-compatible (minor) upgrade.
   */
  breaking: Array<{ path: string; message: string }>;
}

/** Every input of an object schema, nested objects' inputs included, by path. */
function inputsOf(
  schema: JsonSchema,
  prefix = '',
  found = new Map<string, ProtonInputSummary>(),
): Map<string, ProtonInputSummary> {
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const path = appendKey(prefix, key);
    found.set(path, {
      path,
      title: property.title,
      type: property.type,
      default: property.default,
      required: required.has(key),
    });
    if (property.type === 'object' && property.properties) {
      inputsOf(property, path, found);
    }
  }
  return found;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Compares the inputs of one kind that two versions of a template declare: what was added (with
 * its default), removed, retyped or given another default, and which changes break inputs valid for
 * the older version. A version that declares no inputs of that kind (a service template without
 * pipeline inputs) counts as declaring none.
 *
 * @param from - the schema of the version in use
 * @param to - the schema of the version to compare with
 * @param which - `environment`, `service` (instance inputs) or `pipeline`
 * @public
 */
export function diffProtonInputs(
  from: ProtonSchema,
  to: ProtonSchema,
  which: ProtonInputsKind,
): ProtonInputsDiff {
  const declared = (schema: ProtonSchema) => {
    try {
      return inputsOf(toJsonSchema(schema, which));
    } catch {
      return new Map<string, ProtonInputSummary>();
    }
  };
  const before = declared(from);
  const after = declared(to);
  // an object added or removed as a whole is listed once, without its own inputs
  const only = (inputs: ProtonInputSummary[]) =>
    inputs.filter(
      input => !inputs.some(parent => input.path.startsWith(`${parent.path}.`)),
    );
  const diff: ProtonInputsDiff = {
    added: only([...after.values()].filter(input => !before.has(input.path))),
    removed: only([...before.values()].filter(input => !after.has(input.path))),
    typeChanged: [],
    defaultChanged: [],
    breaking: [],
  };
  for (const [path, input] of after) {
    const old = before.get(path);
    if (!old) continue;
    if (old.type !== input.type) {
      diff.typeChanged.push({ path, from: old.type, to: input.type });
    }
    if (!same(old.default, input.default)) {
      diff.defaultChanged.push({ path, from: old.default, to: input.default });
    }
  }
  if (before.size > 0 || after.size > 0) {
    try {
      diff.breaking = checkBackwardCompatibility(from, to, which).map(
        ({ path, message }) => ({ path, message }),
      );
    } catch {
      // the older version has no inputs of this kind: nothing given to it can break
    }
  }
  return diff;
}

/**
 * What an instance's (or environment's, or pipeline's) inputs become under another version of its
 * template, as Proton deploys them: the inputs it sets are kept when the target declares them, inputs
 * the target adds take their defaults (or must be given when required without one), and inputs the
 * target no longer declares are dropped.
 *
 * @public
 */
export interface ProtonInputsPreview {
  /** Inputs the instance sets that the target version declares, with their values. */
  kept: Array<{ path: string; value: unknown }>;
  /** Inputs the target version adds, with the default they take (absent: none). */
  added: Array<{ path: string; default?: unknown; required: boolean }>;
  /** Inputs the instance sets that the target version no longer declares, with the value lost. */
  removed: Array<{ path: string; value: unknown }>;
  /**
   * Inputs the target requires without a default that the instance does not set (new ones, or ones
   * that became required): the upgrade needs a developer to give them first.
   */
  missing: string[];
}

function valueAt(values: unknown, path: string): unknown {
  let current: unknown = values;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Previews the inputs `values` (an instance's `spec`, an environment's `spec`) under version `to`
 * when they were given for version `from` (see {@link ProtonInputsPreview}). Only top-level inputs and
 * inputs of nested objects are compared; array items are kept as part of their array.
 *
 * @param values - the inputs as set today (the spec's `spec` mapping)
 * @public
 */
export function previewProtonInputs(
  values: Record<string, unknown>,
  from: ProtonSchema,
  to: ProtonSchema,
  which: ProtonInputsKind,
): ProtonInputsPreview {
  const diff = diffProtonInputs(from, to, which);
  let declared: Map<string, ProtonInputSummary>;
  try {
    declared = inputsOf(toJsonSchema(to, which));
  } catch {
    declared = new Map();
  }
  const preview: ProtonInputsPreview = {
    kept: [],
    added: [],
    removed: [],
    missing: [],
  };
  const declaresChildren = (path: string) =>
    [...declared.keys()].some(key => key.startsWith(`${path}.`));
  const visit = (object: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const path = appendKey(prefix, key);
      const input = declared.get(path);
      if (!input) {
        preview.removed.push({ path, value });
      } else if (
        input.type === 'object' &&
        declaresChildren(path) &&
        value &&
        typeof value === 'object' &&
        !Array.isArray(value)
      ) {
        visit(value as Record<string, unknown>, path);
      } else {
        // a free-form object is kept whole
        preview.kept.push({ path, value });
      }
    }
  };
  visit(values ?? {}, '');
  for (const input of diff.added) {
    if (valueAt(values, input.path) !== undefined) continue;
    preview.added.push({
      path: input.path,
      default: input.default,
      required: input.required,
    });
  }
  // every input the target requires without a default that the instance does not set, where its
  // object is set (a required input of an optional object left out is not needed)
  for (const input of declared.values()) {
    if (!input.required || input.default !== undefined) continue;
    const parent = input.path.includes('.')
      ? input.path.slice(0, input.path.lastIndexOf('.'))
      : '';
    const container = parent ? valueAt(values, parent) : values ?? {};
    if (!container || typeof container !== 'object') continue;
    if (valueAt(values, input.path) === undefined) {
      preview.missing.push(input.path);
    }
  }
  return preview;
}
