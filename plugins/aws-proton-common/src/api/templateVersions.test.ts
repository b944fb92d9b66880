import {
  compareTemplateVersions,
  describeTemplateVersionStanding,
} from './templateVersions';

describe('compareTemplateVersions', () => {
  it('compares numerically, major first', () => {
    expect(compareTemplateVersions('1.10', '1.9')).toBeGreaterThan(0);
    expect(compareTemplateVersions('2.0', '1.12')).toBeGreaterThan(0);
    expect(compareTemplateVersions('1.1', '1.1')).toBe(0);
    expect(compareTemplateVersions('1.0', '1.1')).toBeLessThan(0);
  });
});

describe('describeTemplateVersionStanding', () => {
  it('offers a minor upgrade within the same major version', () => {
    expect(describeTemplateVersionStanding('1.0', '1.1', '1')).toEqual({
      version: '1.0',
      recommendedVersion: '1.1',
      recommendedMinorVersion: '1.1',
      minorUpgradeAvailable: true,
      majorUpgradeAvailable: false,
    });
  });

  it('offers a major upgrade when a newer major is recommended', () => {
    const standing = describeTemplateVersionStanding('1.1', '2.0', '1');
    expect(standing.minorUpgradeAvailable).toBe(false);
    expect(standing.majorUpgradeAvailable).toBe(true);
  });

  it('offers nothing when the resource runs the recommended version', () => {
    const standing = describeTemplateVersionStanding('1.1', '1.1', '1');
    expect(
      standing.minorUpgradeAvailable || standing.majorUpgradeAvailable,
    ).toBe(false);
  });
});
