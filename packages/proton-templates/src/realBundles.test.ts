import fs from 'node:fs';
import path from 'node:path';
import { packageBundle } from './bundle/packageBundle';
import { validateBundle } from './validate/validateBundle';

/**
 * The repository's own template bundles, in template sync's layout (templates/proton/<template>/v<major>),
 * each folder validated and packaged as publishing it would.
 */
const TEMPLATES = path.resolve(__dirname, '../../../templates/proton');

function findBundles(): string[] {
  return fs
    .readdirSync(TEMPLATES, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .flatMap(template =>
      fs
        .readdirSync(path.join(TEMPLATES, template.name), {
          withFileTypes: true,
        })
        .filter(
          entry => entry.isDirectory() && /^v[1-9][0-9]*$/.test(entry.name),
        )
        .map(entry => path.join(TEMPLATES, template.name, entry.name)),
    );
}

const bundles = findBundles();

describe('the template bundles of templates/proton', () => {
  it('are the major version folders of fargate-env, existing-fargate-env and fargate-service', () => {
    expect(
      bundles.map(bundle => path.relative(TEMPLATES, bundle)).sort(),
    ).toEqual([
      'existing-fargate-env/v1',
      'fargate-env/v1',
      'fargate-service/v1',
    ]);
  });

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
