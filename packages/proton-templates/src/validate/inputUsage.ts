import {
  ProtonInputsKind,
  ProtonSchema,
  toJsonSchema,
} from '@proton-platform/plugin-aws-proton-common';
import type { BundleFinding } from './bundleFinding';
import {
  findProgramInputReads,
  ProgramInputAnalysis,
  ProtonInputsSection,
} from './programInputs';

/** The infrastructure folder of each inputs section. */
export const SECTION_FOLDERS: Record<ProtonInputsSection, string> = {
  environment: 'infrastructure',
  service_instance: 'instance_infrastructure',
  pipeline: 'pipeline_infrastructure',
};

const SCHEMA_KIND: Record<ProtonInputsSection, ProtonInputsKind> = {
  environment: 'environment',
  service_instance: 'service',
  pipeline: 'pipeline',
};

const PROGRAM_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** Text a manifest or a CloudFormation/Terraform template may reference inputs from. */
const TEMPLATE_TEXT_FILE = /\.(ya?ml|json|tf|j2|jinja|sh|jq)$/;
/** Files provisioning runs or reads: scripts, jq filters, the manifest and Pulumi project settings. */
const SCRIPT_FILE = /(\.(sh|jq)|\/manifest\.ya?ml|\/Pulumi(\.[^/]+)?\.ya?ml)$/;
const TEMPLATE_TEXT_READ =
  /\b(environment|service_instance|pipeline)\.inputs\.([A-Za-z_][A-Za-z0-9_]*)/g;
const NOT_TEMPLATE_TEXT =
  /(^|\/)(package(-lock)?\.json|tsconfig\.json|yarn\.lock)$/;

/**
 * A bundle file as input usage analysis reads it.
 *
 * @public
 */
export interface BundleTextFile {
  /** Relative to the bundle, with `/` separators. */
  path: string;
  text: string;
}

function inputNames(
  schema: ProtonSchema,
  section: ProtonInputsSection,
): string[] | undefined {
  try {
    return Object.keys(
      toJsonSchema(schema, SCHEMA_KIND[section]).properties ?? {},
    );
  } catch {
    return undefined; // the schema declares no inputs of this kind
  }
}

/**
 * Reads of `<section>.inputs.<name>` in manifests (e.g. `jq` in provisioning commands) and in
 * CloudFormation (Jinja `{{ environment.inputs.x }}`) or Terraform (`var.environment.inputs.x`)
 * templates. A plain text search: these are not programs the TypeScript analysis can read.
 */
function findTemplateTextReads(
  files: BundleTextFile[],
): ProgramInputAnalysis['reads'] {
  const reads: ProgramInputAnalysis['reads'] = [];
  for (const file of files) {
    file.text.split('\n').forEach((line, index) => {
      for (const match of line.matchAll(TEMPLATE_TEXT_READ)) {
        reads.push({
          section: match[1] as ProtonInputsSection,
          name: match[2],
          at: `${file.path}:${index + 1}`,
          via: 'proton-inputs',
        });
      }
    });
  }
  return reads;
}

/**
 * Whether a provisioning script, jq filter, manifest or `Pulumi.yaml` of the folder names a Pulumi
 * config key (a `pulumi config set <key>`, a mapping such as jq's
 * `{protonEnvironmentName: .environment.name}`, a project `config:` entry with a default):
 * then the key is taken as set by provisioning. A word search, so a mention in a comment counts too.
 */
function setByScript(files: BundleTextFile[], key: string): boolean {
  const word = new RegExp(`(^|[^A-Za-z0-9_])${key}([^A-Za-z0-9_]|$)`, 'm');
  return files.some(
    file => SCRIPT_FILE.test(file.path) && word.test(file.text),
  );
}

/**
 * Compares the inputs a schema declares with those the bundle's infrastructure reads, folder by
 * folder (`infrastructure/` for environment inputs, `instance_infrastructure/` for service instance
 * inputs, `pipeline_infrastructure/` for pipeline inputs):
 * - an input read from `proton-inputs.json` (or a template) that the schema does not declare is an
 *   error (the program would read `undefined`); one read through Pulumi's `Config` is a warning,
 *   unless a script, jq filter or manifest of the folder names it (see `setByScript`);
 * - an input declared but never read is a warning, unless a use the analysis cannot follow was
 *   found, in which case an info finding says why unused inputs are not reported.
 *
 * @public
 */
export function checkInputUsage(
  schema: ProtonSchema,
  files: BundleTextFile[],
): BundleFinding[] {
  const findings: BundleFinding[] = [];
  for (const section of Object.keys(SECTION_FOLDERS) as ProtonInputsSection[]) {
    const folder = `${SECTION_FOLDERS[section]}/`;
    const inFolder = files.filter(f => f.path.startsWith(folder));
    const programs = inFolder.filter(
      f => PROGRAM_FILE.test(f.path) && !f.path.endsWith('.d.ts'),
    );
    const templates = inFolder.filter(
      f => TEMPLATE_TEXT_FILE.test(f.path) && !NOT_TEMPLATE_TEXT.test(f.path),
    );
    if (programs.length === 0 && templates.length === 0) continue;
    const analysis = findProgramInputReads(programs, section);
    const reads = [
      ...analysis.reads,
      ...findTemplateTextReads(templates),
    ].filter(read => read.section === section);
    const declared = inputNames(schema, section);
    const kind = SCHEMA_KIND[section];

    const reported = new Set<string>();
    for (const read of reads) {
      if (declared?.includes(read.name) || reported.has(read.name)) continue;
      if (read.via === 'pulumi-config' && setByScript(templates, read.name))
        continue;
      reported.add(read.name);
      findings.push({
        severity: read.via === 'pulumi-config' ? 'warning' : 'error',
        path: read.at,
        message:
          read.via === 'pulumi-config'
            ? `reads Pulumi config "${read.name}", which is not a ${kind} input of the schema: make sure the manifest sets it`
            : `reads ${kind} input "${read.name}", which the schema does not declare`,
      });
    }

    const opaque = analysis.opaqueUses.filter(
      use => use.section === undefined || use.section === section,
    );
    if (opaque.length > 0) {
      for (const use of opaque) {
        findings.push({
          severity: 'info',
          path: use.at,
          message: `${use.message}; unused ${kind} inputs are not reported`,
        });
      }
      continue;
    }
    const read = new Set(reads.map(r => r.name));
    for (const name of declared ?? []) {
      if (read.has(name)) continue;
      findings.push({
        severity: 'warning',
        path: 'schema/schema.yaml',
        message: `${kind} input "${name}" is not read by ${folder}`,
      });
    }
  }
  return findings;
}
