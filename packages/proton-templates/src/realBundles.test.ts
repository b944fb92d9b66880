import fs from 'node:fs';
import path from 'node:path';
import { packageBundle } from './bundle/packageBundle';
import { validateBundle } from './validate/validateBundle';

/**
 * The repository's own template bundles (templates/proton/<kind>/<name>), validated as publishing
 * them would. They are written alongside this package: when none exists yet, the test says so.
 */
const TEMPLATES = path.resolve(__dirname, '../../../templates/proton');

function findBundles(): string[] {
  if (!fs.existsSync(TEMPLATES)) return [];
  return ['environment', 'service'].flatMap(kind => {
    const folder = path.join(TEMPLATES, kind);
    if (!fs.existsSync(folder)) return [];
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => path.join(folder, entry.name))
      .filter(bundle =>
        fs.existsSync(path.join(bundle, 'schema', 'schema.yaml')),
      );
  });
}

const bundles = findBundles();

describe('the template bundles of templates/proton', () => {
  if (bundles.length === 0) {
    it('are not there yet', () => {
      expect(bundles).toEqual([]);
      // eslint-disable-next-line no-console
      console.warn(
        `No template bundle under ${TEMPLATES}: validation of the real bundles skipped`,
      );
    });
    return;
  }

  it.each(bundles.map(bundle => [path.relative(TEMPLATES, bundle), bundle]))(
    '%s validates and packages deterministically',
    async (_name, bundle) => {
      const { findings } = await validateBundle(bundle);
      expect(findings.filter(f => f.severity === 'error')).toEqual([]);
      const first = await packageBundle(bundle);
      const second = await packageBundle(bundle);
      expect(second.sha256).toBe(first.sha256);
      expect(first.files.some(file => file.includes('node_modules/'))).toBe(
        false,
      );
    },
  );
});
