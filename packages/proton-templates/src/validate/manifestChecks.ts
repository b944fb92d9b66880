import { parse as parseYaml } from 'yaml';

/**
 * A problem found in an infrastructure `manifest.yaml`.
 *
 * @public
 */
export interface ManifestIssue {
  severity: 'error' | 'warning';
  /** Where in the manifest, e.g. `infrastructure.templates[0].settings.provision`. */
  at: string;
  message: string;
}

/**
 * What a manifest asks Proton to run, as far as validation needs it.
 *
 * @public
 */
export interface ManifestSummary {
  /** `codebuild`, `cloudformation` or `terraform` per entry of `infrastructure.templates`. */
  engines: Array<'codebuild' | 'cloudformation' | 'terraform'>;
  /** Template files named by CloudFormation and Terraform entries (`*` for a whole folder). */
  files: string[];
  /** The shell commands of CodeBuild entries (`provision` then `deprovision`). */
  commands: string[];
}

const TEMPLATE_KEYS = [
  'file',
  'rendering_engine',
  'template_language',
  'settings',
];
/** `settings` of CodeBuild provisioning, as documented by Proton. */
const CODEBUILD_SETTINGS = [
  'image',
  'runtimes',
  'provision',
  'deprovision',
  'project_properties',
];
/** The rendering engine each template language is rendered with. */
const ENGINE_OF_LANGUAGE: Record<string, string> = {
  cloudformation: 'jinja',
  terraform: 'hcl',
};

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(
  value: Record<string, unknown>,
  known: string[],
  at: string,
  issues: ManifestIssue[],
) {
  for (const key of Object.keys(value).filter(k => !known.includes(k))) {
    issues.push({
      severity: 'warning',
      at: at ? `${at}.${key}` : key,
      message: `unknown key: Proton knows ${known.join(', ')}`,
    });
  }
}

function checkCommandList(
  value: unknown,
  at: string,
  issues: ManifestIssue[],
  commands: string[],
) {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every(step => typeof step === 'string' && step.trim() !== '')
  ) {
    issues.push({
      severity: 'error',
      at,
      message: 'must be a non-empty list of shell commands',
    });
    return;
  }
  commands.push(...value);
}

function checkCodeBuildSettings(
  settings: unknown,
  at: string,
  issues: ManifestIssue[],
  summary: ManifestSummary,
) {
  if (!isMapping(settings)) {
    issues.push({
      severity: 'error',
      at,
      message: 'CodeBuild provisioning needs settings',
    });
    return;
  }
  unknownKeys(settings, CODEBUILD_SETTINGS, at, issues);
  for (const key of ['provision', 'deprovision']) {
    checkCommandList(settings[key], `${at}.${key}`, issues, summary.commands);
  }
  if (settings.image !== undefined && typeof settings.image !== 'string') {
    issues.push({
      severity: 'error',
      at: `${at}.image`,
      message: 'must be an image name',
    });
  }
  if (settings.runtimes !== undefined) {
    const runtimes = settings.runtimes;
    if (
      !isMapping(runtimes) ||
      !Object.values(runtimes).every(v =>
        ['string', 'number'].includes(typeof v),
      )
    ) {
      issues.push({
        severity: 'error',
        at: `${at}.runtimes`,
        message: 'must map runtime names to versions, e.g. nodejs: 20',
      });
    }
  }
}

/**
 * Checks an infrastructure `manifest.yaml` the way Proton reads it: `infrastructure.templates` is a
 * list; each entry is either CodeBuild provisioning (`rendering_engine: codebuild` with
 * `settings.provision` and `settings.deprovision` command lists, optional `image`, `runtimes`,
 * `project_properties`) or a CloudFormation (`template_language: cloudformation`,
 * `rendering_engine: jinja`) or Terraform (`template_language: terraform`, `rendering_engine: hcl`)
 * entry naming its `file`. Unknown keys are warnings.
 *
 * @public
 */
export function checkManifest(yamlText: string): {
  issues: ManifestIssue[];
  summary: ManifestSummary;
} {
  const issues: ManifestIssue[] = [];
  const summary: ManifestSummary = { engines: [], files: [], commands: [] };
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch (e) {
    issues.push({
      severity: 'error',
      at: '',
      message: `not valid YAML: ${(e as Error).message}`,
    });
    return { issues, summary };
  }
  if (!isMapping(parsed) || !isMapping(parsed.infrastructure)) {
    issues.push({
      severity: 'error',
      at: 'infrastructure',
      message: 'missing',
    });
    return { issues, summary };
  }
  unknownKeys(parsed, ['infrastructure'], '', issues);
  unknownKeys(parsed.infrastructure, ['templates'], 'infrastructure', issues);
  const templates = parsed.infrastructure.templates;
  if (!Array.isArray(templates) || templates.length === 0) {
    issues.push({
      severity: 'error',
      at: 'infrastructure.templates',
      message: 'must be a non-empty list',
    });
    return { issues, summary };
  }
  templates.forEach((entry: unknown, index) => {
    const at = `infrastructure.templates[${index}]`;
    if (!isMapping(entry)) {
      issues.push({ severity: 'error', at, message: 'must be a mapping' });
      return;
    }
    unknownKeys(entry, TEMPLATE_KEYS, at, issues);
    const engine = entry.rendering_engine;
    const language = entry.template_language;
    if (engine === 'codebuild') {
      summary.engines.push('codebuild');
      checkCodeBuildSettings(entry.settings, `${at}.settings`, issues, summary);
      return;
    }
    if (typeof language !== 'string' || !(language in ENGINE_OF_LANGUAGE)) {
      issues.push({
        severity: 'error',
        at: `${at}.template_language`,
        message:
          'must be cloudformation or terraform, unless rendering_engine is codebuild',
      });
      return;
    }
    summary.engines.push(language as 'cloudformation' | 'terraform');
    if (engine !== ENGINE_OF_LANGUAGE[language]) {
      issues.push({
        severity: 'error',
        at: `${at}.rendering_engine`,
        message: `${language} templates are rendered with ${ENGINE_OF_LANGUAGE[language]}`,
      });
    }
    if (typeof entry.file !== 'string' || entry.file === '') {
      issues.push({
        severity: 'error',
        at: `${at}.file`,
        message: 'must name the template file',
      });
    } else {
      summary.files.push(entry.file);
    }
  });
  return { issues, summary };
}
