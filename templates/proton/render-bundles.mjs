#!/usr/bin/env node
/**
 * Writes the bundle of every registered template version (bundles.json) to <out>/<template>/<version>/:
 * the template folder without what its .protonignore lists, with the version's overlay files laid over
 * it. Each result is a plain Proton bundle (schema/ plus infrastructure/ or instance_infrastructure/;
 * only schema/ for a customer managed environment template), ready to be packaged and registered.
 *
 *   node templates/proton/render-bundles.mjs <out-dir>
 *
 * Also importable: renderBundles(outDir) returns [{ name, kind, version, dir }].
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Reads .protonignore: names (no slash) match at any depth, paths (with a slash) from the template root. */
function readIgnore(templateDir) {
  const file = path.join(templateDir, '.protonignore');
  const lines = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n')
    : [];
  const patterns = lines
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'));
  return relative => {
    const segments = relative.split(path.sep);
    return patterns.some(pattern =>
      pattern.includes('/')
        ? relative === pattern.replace(/\/$/, '') ||
          relative.startsWith(pattern.replace(/\/?$/, '/'))
        : segments.includes(pattern),
    );
  };
}

function copyTree(from, to, ignored, relative = '') {
  for (const entry of fs.readdirSync(path.join(from, relative), {
    withFileTypes: true,
  })) {
    const entryPath = path.join(relative, entry.name);
    if (ignored(entryPath)) continue;
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(to, entryPath), { recursive: true });
      copyTree(from, to, ignored, entryPath);
    } else if (entry.isFile()) {
      fs.copyFileSync(path.join(from, entryPath), path.join(to, entryPath));
      fs.chmodSync(
        path.join(to, entryPath),
        fs.statSync(path.join(from, entryPath)).mode,
      );
    } else {
      throw new Error(
        `${path.join(
          from,
          entryPath,
        )} is neither a file nor a folder; bundles hold plain files`,
      );
    }
  }
}

/** The template version a rendered bundle records in its Pulumi.yaml (config.templateVersion.default). */
function recordedVersion(bundleDir) {
  for (const folder of ['infrastructure', 'instance_infrastructure']) {
    const file = path.join(bundleDir, folder, 'Pulumi.yaml');
    if (!fs.existsSync(file)) continue;
    const match = /templateVersion:[\s\S]*?default:\s*['"]?([^'"\s]+)/.exec(
      fs.readFileSync(file, 'utf8'),
    );
    return match?.[1];
  }
  return undefined;
}

export function renderBundles(outDir) {
  const { templates } = JSON.parse(
    fs.readFileSync(path.join(root, 'bundles.json'), 'utf8'),
  );
  const rendered = [];
  for (const template of templates) {
    for (const { version, source, overlay } of template.versions) {
      const dir = path.join(outDir, template.name, version);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const sourceDir = path.join(root, source);
      copyTree(sourceDir, dir, readIgnore(sourceDir));
      if (overlay) copyTree(path.join(root, overlay), dir, () => false);
      if (template.provisioning === 'CUSTOMER_MANAGED') {
        // Existing infrastructure: only schema/, nothing to run, so no version recorded anywhere.
        const extra = fs.readdirSync(dir).filter(name => name !== 'schema');
        if (extra.length > 0) {
          throw new Error(
            `${
              template.name
            } ${version} is customer managed: its bundle holds only schema/, not ${extra.join(
              ', ',
            )}`,
          );
        }
        rendered.push({
          name: template.name,
          kind: template.kind,
          version,
          dir,
        });
        continue;
      }
      const recorded = recordedVersion(dir);
      if (recorded !== version) {
        throw new Error(
          `${template.name} ${version}: its Pulumi.yaml records template version ${recorded}; fix bundles.json or the overlay`,
        );
      }
      rendered.push({ name: template.name, kind: template.kind, version, dir });
    }
  }
  return rendered;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node render-bundles.mjs <out-dir>\n');
    process.exit(2);
  }
  for (const bundle of renderBundles(path.resolve(outDir))) {
    process.stdout.write(
      `${bundle.name} ${bundle.version} (${bundle.kind}): ${bundle.dir}\n`,
    );
  }
}
