import {
  appendIndex,
  appendKey,
  ProtonSpecError,
  ProtonValidationIssue,
} from './issues';
import { cloneData, isMapping, ownValue } from './yamlSource';

/**
 * The value that, in an update spec, means "keep the current value of this input".
 *
 * @public
 */
export const PROTON_CURRENT_VALUE = '${Proton::CURRENT_VAL}';

/**
 * The paths (prefixed with `prefix`) where a value is exactly {@link PROTON_CURRENT_VALUE}.
 */
export function findCurrentValuePaths(value: unknown, prefix = ''): string[] {
  if (value === PROTON_CURRENT_VALUE) {
    return [prefix];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      findCurrentValuePaths(item, appendIndex(prefix, index)),
    );
  }
  if (isMapping(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      findCurrentValuePaths(item, appendKey(prefix, key)),
    );
  }
  return [];
}

function isNamed(item: unknown): item is { name: string } {
  return isMapping(item) && typeof item.name === 'string';
}

/** Pairs each item of a new list with an item of the current list: by `name` when all are named, by position otherwise. */
function counterparts(items: unknown[], current: unknown): unknown[] {
  if (!Array.isArray(current)) {
    return items.map(() => undefined);
  }
  if (items.length > 0 && items.every(isNamed) && current.every(isNamed)) {
    return items.map(item =>
      current.find(candidate => candidate.name === item.name),
    );
  }
  return items.map((_item, index) => current[index]);
}

function resolve(
  value: unknown,
  current: unknown,
  path: string,
  issues: ProtonValidationIssue[],
): unknown {
  if (value === PROTON_CURRENT_VALUE) {
    if (current === undefined) {
      issues.push({
        path,
        message: `is ${PROTON_CURRENT_VALUE} but there is no current value to keep`,
      });
      return value;
    }
    return cloneData(current);
  }
  if (Array.isArray(value)) {
    const matches = counterparts(value, current);
    return value.map((item, index) =>
      resolve(item, matches[index], appendIndex(path, index), issues),
    );
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolve(item, ownValue(current, key), appendKey(path, key), issues),
      ]),
    );
  }
  return value;
}

/**
 * Replaces every value that is exactly `${Proton::CURRENT_VAL}` in an update spec with the value at the
 * same place in the current spec, as Proton does for UpdateServiceInstance, UpdateService and
 * UpdateEnvironment. Works on whole specs (`ServiceSpec`, `EnvironmentSpec`) and on bare inputs.
 * Lists whose items all have a string `name` (a service spec's `instances`) are matched by name,
 * other lists by position. A current value of `null` is kept as `null`; only a missing one is an error.
 *
 * @param newSpec - the update spec; it is not changed
 * @param currentSpec - the spec currently deployed, of the same shape
 * @returns a copy of `newSpec` with the markers replaced
 * @throws ProtonSpecError naming every path where the current spec has no value
 * @public
 */
export function resolveCurrentValues<T>(newSpec: T, currentSpec: unknown): T {
  const issues: ProtonValidationIssue[] = [];
  const resolved = resolve(newSpec, currentSpec, '', issues);
  if (issues.length > 0) {
    throw new ProtonSpecError(issues);
  }
  return resolved as T;
}
