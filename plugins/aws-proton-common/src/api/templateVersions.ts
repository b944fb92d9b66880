import { TemplateVersionStanding } from './types';

/**
 * Compares two `major.minor` template versions numerically (`1.10` is newer than `1.9`).
 *
 * @returns a negative number when `a` is older, 0 when equal, positive when newer
 * @public
 */
export function compareTemplateVersions(a: string, b: string): number {
  const [aMajor, aMinor = 0] = a.split('.').map(Number);
  const [bMajor, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * Where a resource's template version stands against the recommended ones.
 *
 * @param version - `major.minor` the resource runs
 * @param recommendedVersion - the template's recommended `major.minor` (over all major versions)
 * @param recommendedMinorVersion - the recommended minor version (a number such as `1`) of the
 *   resource's own major version
 * @public
 */
export function describeTemplateVersionStanding(
  version: string,
  recommendedVersion: string | undefined,
  recommendedMinorVersion: string | undefined,
): TemplateVersionStanding {
  const [major] = version.split('.');
  const recommendedMinor =
    recommendedMinorVersion !== undefined
      ? `${major}.${recommendedMinorVersion}`
      : undefined;
  const minorUpgradeAvailable =
    recommendedMinor !== undefined &&
    compareTemplateVersions(recommendedMinor, version) > 0;
  const majorUpgradeAvailable =
    recommendedVersion !== undefined &&
    Number(recommendedVersion.split('.')[0]) > Number(major);
  return {
    version,
    recommendedVersion,
    recommendedMinorVersion: minorUpgradeAvailable
      ? recommendedMinor
      : undefined,
    minorUpgradeAvailable,
    majorUpgradeAvailable,
  };
}
