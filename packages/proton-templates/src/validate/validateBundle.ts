import { parseProtonSchema, ProtonSchemaError } from '@proton-platform/plugin-aws-proton-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * One finding of {@link validateBundle}: an error makes the bundle unusable, a warning does not.
 *
 * @public
 */
export interface BundleFinding {
  severity: 'error' | 'warning';
  /** The file or folder concerned, relative to the bundle. */
  path: string;
  message: string;
}

/** Proton's quotas for a template bundle. */
const MAX_FILES = 500;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_BUNDLE_BYTES = 10 * 1024 * 1024;

const INFRASTRUCTURE_FOLDERS = {
  environment: ['infrastructure'],
  service: ['instance_infrastructure', 'pipeline_infrastructure'],
};

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(relative + '/', ...(await listFiles(root, relative)));
    } else {
      files.push(relative);
    }
  }
  return files;
}

/**
 * Checks a Proton template bundle the way Proton registers it: the layout (`schema/schema.yaml` and
 * an infrastructure folder with `manifest.yaml`), the schema as Proton's OpenAPI subset, the manifest,
 * the quotas, and that no `node_modules` folder is shipped.
 *
 * @public
 */
export async function validateBundle(dir: string): Promise<BundleFinding[]> {
  const findings: BundleFinding[] = [];
  const error = (where: string, message: string) =>
    findings.push({ severity: 'error', path: where, message });

  if (!(await exists(dir))) {
    error('.', `no such folder: ${dir}`);
    return findings;
  }
  const files = await listFiles(dir);
  const real = files.filter(f => !f.endsWith('/'));
  if (real.length > MAX_FILES) {
    error('.', `${real.length} files; Proton accepts at most ${MAX_FILES}`);
  }
  let total = 0;
  for (const file of real) {
    const { size } = await fs.stat(path.join(dir, file));
    total += size;
    if (size > MAX_FILE_BYTES) {
      error(file, `${size} bytes; Proton accepts at most ${MAX_FILE_BYTES} per file`);
    }
  }
  if (total > MAX_BUNDLE_BYTES) {
    error('.', `${total} bytes in all; Proton accepts at most ${MAX_BUNDLE_BYTES}`);
  }
  for (const folder of files.filter(f => /(^|\/)node_modules\/$/.test(f))) {
    error(folder, 'node_modules must not be in a bundle: install dependencies in the provisioning steps');
  }

  const schemaFile = 'schema/schema.yaml';
  let kind: 'environment' | 'service' | undefined;
  if (!real.includes(schemaFile)) {
    error(schemaFile, 'missing: every Proton template bundle has schema/schema.yaml');
  } else {
    try {
      const schema = parseProtonSchema(
        await fs.readFile(path.join(dir, schemaFile), 'utf8'),
      );
      kind = schema.templateKind;
      for (const warning of schema.warnings) {
        findings.push({
          severity: 'warning',
          path: schemaFile,
          message: warning.path ? `${warning.path}: ${warning.message}` : warning.message,
        });
      }
    } catch (e) {
      if (!(e instanceof ProtonSchemaError)) throw e;
      for (const issue of e.issues) {
        error(schemaFile, issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      }
    }
  }

  if (kind) {
    const folders = INFRASTRUCTURE_FOLDERS[kind].filter(f => files.includes(`${f}/`));
    if (folders.length === 0 || (kind === 'service' && !folders.includes('instance_infrastructure'))) {
      error('.', `a ${kind} template needs ${INFRASTRUCTURE_FOLDERS[kind][0]}/ with a manifest.yaml`);
    }
    for (const folder of folders) {
      const manifest = `${folder}/manifest.yaml`;
      if (!real.includes(manifest)) {
        error(manifest, 'missing');
        continue;
      }
      try {
        const parsed = parseYaml(await fs.readFile(path.join(dir, manifest), 'utf8'));
        const infrastructure = parsed?.infrastructure;
        if (!infrastructure?.templates || !Array.isArray(infrastructure.templates)) {
          error(manifest, 'infrastructure.templates must be a list');
        }
      } catch (e) {
        error(manifest, `not valid YAML: ${(e as Error).message}`);
      }
    }
  }
  return findings;
}
