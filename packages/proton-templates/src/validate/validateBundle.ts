import {
  parseProtonSchema,
  ProtonSchema,
  ProtonSchemaError,
} from '@proton-platform/plugin-aws-proton-common';
import fs from 'node:fs/promises';
import { BundleContents, listBundleContents } from '../bundle/bundleFiles';
import type { BundleFinding } from './bundleFinding';
import { BundleTextFile, checkInputUsage, SECTION_FOLDERS } from './inputUsage';
import { checkManifest } from './manifestChecks';
import { findSecrets } from './secretScan';

/**
 * Proton's quotas for a template bundle.
 *
 * @public
 */
export const PROTON_BUNDLE_QUOTAS = {
  maxFiles: 500,
  maxFileBytes: 2 * 1024 * 1024,
  maxBundleBytes: 10 * 1024 * 1024,
};

const SCHEMA_FILE = 'schema/schema.yaml';

const INFRASTRUCTURE_FOLDERS = {
  environment: [SECTION_FOLDERS.environment],
  service: [SECTION_FOLDERS.service_instance, SECTION_FOLDERS.pipeline],
};

/**
 * The result of {@link validateBundle}.
 *
 * @public
 */
export interface BundleValidation {
  findings: BundleFinding[];
  /** Whether there is no error. */
  valid: boolean;
  /** The parsed schema, when it is valid. */
  schema?: ProtonSchema;
}

class FindingList {
  readonly findings: BundleFinding[] = [];
  error(where: string, message: string) {
    this.findings.push({ severity: 'error', path: where, message });
  }
  warning(where: string, message: string) {
    this.findings.push({ severity: 'warning', path: where, message });
  }
  info(where: string, message: string) {
    this.findings.push({ severity: 'info', path: where, message });
  }
}

function checkQuotas(contents: BundleContents, out: FindingList) {
  const { maxFiles, maxFileBytes, maxBundleBytes } = PROTON_BUNDLE_QUOTAS;
  if (contents.files.length > maxFiles) {
    out.error(
      '.',
      `${contents.files.length} files; Proton accepts at most ${maxFiles}`,
    );
  }
  let total = 0;
  for (const file of contents.files) {
    total += file.size;
    if (file.size > maxFileBytes) {
      out.error(
        file.path,
        `${file.size} bytes; Proton accepts at most ${maxFileBytes} per file`,
      );
    }
  }
  if (total > maxBundleBytes) {
    out.error(
      '.',
      `${total} bytes in all; Proton accepts at most ${maxBundleBytes}`,
    );
  }
  for (const folder of contents.nodeModulesFolders) {
    out.error(
      folder,
      'node_modules must not be in a bundle: install dependencies in the provisioning steps (it is never packaged; add it to .protonignore or .gitignore)',
    );
  }
  for (const file of contents.specialFiles) {
    out.error(
      file,
      'symbolic links and special files are not packaged: copy the file into the bundle',
    );
  }
}

function readSchema(text: string, out: FindingList): ProtonSchema | undefined {
  try {
    const schema = parseProtonSchema(text);
    for (const warning of schema.warnings) {
      out.warning(
        SCHEMA_FILE,
        warning.path ? `${warning.path}: ${warning.message}` : warning.message,
      );
    }
    return schema;
  } catch (e) {
    if (!(e instanceof ProtonSchemaError)) throw e;
    for (const issue of e.issues) {
      const line = issue.line ? ` (line ${issue.line})` : '';
      out.error(
        SCHEMA_FILE,
        `${issue.path ? `${issue.path}: ` : ''}${issue.message}${line}`,
      );
    }
    return undefined;
  }
}

/**
 * An environment bundle with only `schema/` describes infrastructure that exists already: AWS Proton
 * registers it for a template with `provisioning: CUSTOMER_MANAGED` (user guide: customer managed
 * environments) and refuses an `infrastructure/` folder there.
 */
function isCustomerManagedEnvironment(
  schema: ProtonSchema,
  folders: string[],
): boolean {
  return (
    schema.templateKind === 'environment' &&
    !folders.some(f => f === `${SECTION_FOLDERS.environment}/`)
  );
}

function checkInfrastructure(
  schema: ProtonSchema,
  texts: Map<string, string>,
  folders: string[],
  out: FindingList,
) {
  const kind = schema.templateKind;
  const expected = INFRASTRUCTURE_FOLDERS[kind];
  const present = expected.filter(f => folders.includes(`${f}/`));
  if (isCustomerManagedEnvironment(schema, folders)) {
    out.info(
      'schema/',
      'a customer managed environment template (no infrastructure/): register it with provisioning CUSTOMER_MANAGED; ' +
        'its environments run no deployment and their spec values become their outputs',
    );
  } else if (!present.includes(expected[0])) {
    out.error(
      `${expected[0]}/`,
      `missing: a ${kind} template needs ${expected[0]}/ with a manifest.yaml`,
    );
  }
  const known = [
    'schema/',
    ...Object.values(SECTION_FOLDERS).map(f => `${f}/`),
  ];
  const topLevel = folders.filter(f => !f.slice(0, -1).includes('/'));
  for (const folder of topLevel.filter(f => !known.includes(f))) {
    out.warning(
      folder,
      'not a Proton bundle folder: it is packaged but Proton does not use it (add it to .protonignore?)',
    );
  }
  for (const other of Object.values(SECTION_FOLDERS).filter(
    f => !expected.includes(f),
  )) {
    if (folders.includes(`${other}/`)) {
      out.warning(`${other}/`, `not used by a ${kind} template`);
    }
  }
  for (const folder of present) {
    const manifest = `${folder}/manifest.yaml`;
    const text = texts.get(manifest);
    if (text === undefined) {
      out.error(manifest, 'missing');
      continue;
    }
    const { issues, summary } = checkManifest(text);
    for (const issue of issues) {
      out.findings.push({
        severity: issue.severity,
        path: issue.at ? `${manifest}: ${issue.at}` : manifest,
        message: issue.message,
      });
    }
    for (const file of summary.files.filter(f => f !== '*')) {
      if (!texts.has(`${folder}/${file}`)) {
        out.error(`${folder}/${file}`, 'named by manifest.yaml but missing');
      }
    }
  }
}

/**
 * Checks a Proton template bundle folder as it would be packaged (see `listBundleContents`: ignore
 * rules applied) and as Proton registers it:
 * - layout: `schema/schema.yaml`, and `infrastructure/` (environment) or `instance_infrastructure/`
 *   (service, optional `pipeline_infrastructure/`) each with a `manifest.yaml`; an environment bundle
 *   with only `schema/` is a customer managed environment template's, and valid;
 * - the schema as Proton's OpenAPI subset (`parseProtonSchema`), every problem with its path;
 * - manifests (`checkManifest`): CodeBuild, CloudFormation or Terraform entries, unknown keys;
 * - quotas (500 files, 2 MB per file, 10 MB in all), no `node_modules`, no symbolic links;
 * - secrets (`findSecrets`): AWS keys, private keys, `.env` files, Pulumi and GitHub tokens;
 * - inputs (`checkInputUsage`): each input the infrastructure reads is declared, each declared one
 *   is read.
 *
 * @public
 */
export async function validateBundle(dir: string): Promise<BundleValidation> {
  const out = new FindingList();
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    out.error('.', `no such folder: ${dir}`);
    return { findings: out.findings, valid: false };
  }
  const contents = await listBundleContents(dir);
  checkQuotas(contents, out);

  const texts = new Map<string, string>();
  for (const file of contents.files) {
    if (file.size > PROTON_BUNDLE_QUOTAS.maxFileBytes) continue;
    const content = await fs.readFile(file.absolutePath);
    for (const secret of findSecrets(file.path, content)) {
      out.error(secret.path, secret.message);
    }
    if (!content.subarray(0, 8192).includes(0)) {
      texts.set(file.path, content.toString('utf8'));
    }
  }

  const schemaText = texts.get(SCHEMA_FILE);
  let schema: ProtonSchema | undefined;
  if (schemaText === undefined) {
    out.error(
      SCHEMA_FILE,
      'missing: every Proton template bundle has schema/schema.yaml',
    );
  } else {
    schema = readSchema(schemaText, out);
  }
  if (schema) {
    checkInfrastructure(schema, texts, contents.folders, out);
    const textFiles: BundleTextFile[] = [...texts].map(([file, text]) => ({
      path: file,
      text,
    }));
    // A customer managed environment's inputs are read by the services deployed into it, as outputs.
    if (!isCustomerManagedEnvironment(schema, contents.folders)) {
      out.findings.push(...checkInputUsage(schema, textFiles));
    }
  }
  const valid = !out.findings.some(f => f.severity === 'error');
  return { findings: out.findings, valid, schema };
}
