import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  TemplateKind,
  toTemplateVersionRecord,
  updateTemplateVersion,
} from '../store/templateStore';
import {
  BundleLimits,
  BundleRejectedError,
  extractBundle,
} from './extractBundle';
import type { TemplateSchemaCheck } from './templateSchemaCheck';

/** A template version waiting for its bundle to be registered. */
export interface TemplateRegistration {
  kind: TemplateKind;
  templateName: string;
  major: number;
  minor: number;
  /** The local path of the bundle (.tar.gz). */
  bundleFile: string;
  /** Service templates with a pipeline must ship `pipeline_infrastructure/`. */
  requiresPipeline?: boolean;
  /** When the version was created: a version deleted and created again is another registration. */
  createdAt: Date;
}

const SCHEMA_FILE = path.join('schema', 'schema.yaml');

function manifestsRequired(registration: TemplateRegistration): string[] {
  if (registration.kind === 'environment') {
    return ['infrastructure/manifest.yaml'];
  }
  return [
    'instance_infrastructure/manifest.yaml',
    ...(registration.requiresPipeline
      ? ['pipeline_infrastructure/manifest.yaml']
      : []),
  ];
}

/** The template's root in an extracted bundle: the bundle itself or its one top-level folder. */
async function locateTemplateRoot(extracted: string): Promise<string> {
  if (fs.existsSync(path.join(extracted, SCHEMA_FILE))) return extracted;
  const folders = (
    await fs.promises.readdir(extracted, { withFileTypes: true })
  ).filter(entry => entry.isDirectory() && entry.name !== '__MACOSX');
  if (folders.length === 1) {
    const candidate = path.join(extracted, folders[0].name);
    if (fs.existsSync(path.join(candidate, SCHEMA_FILE))) return candidate;
  }
  throw new BundleRejectedError(
    'the template bundle has no schema/schema.yaml, neither at its root nor in a single top-level folder',
  );
}

/**
 * Registers template versions from their bundles: extracts the bundle safely into the template
 * storage directory, checks its layout and schema, and moves the version from
 * REGISTRATION_IN_PROGRESS to DRAFT, or to REGISTRATION_FAILED with a statusMessage saying why.
 */
export class TemplateRegistrar {
  constructor(
    private readonly knex: Knex,
    private readonly storageDirectory: string,
    private readonly schemaCheck: TemplateSchemaCheck,
    private readonly limits: BundleLimits,
    private readonly onInternalError: (error: unknown) => void,
  ) {}

  /** Where a registered version's template files are kept. */
  versionDirectory(
    kind: TemplateKind,
    templateName: string,
    major: number,
    minor: number,
  ): string {
    return path.join(
      this.storageDirectory,
      `${kind}-templates`,
      templateName,
      `${major}.${minor}`,
    );
  }

  /** Registers one version; never throws: failures end up in the version's status. */
  async register(registration: TemplateRegistration): Promise<void> {
    const { kind, templateName, major, minor } = registration;
    const target = this.versionDirectory(kind, templateName, major, minor);
    const staging = `${target}.extracting`;
    let schemaYaml: string | undefined;
    let problems: string[];
    try {
      await fs.promises.rm(staging, { recursive: true, force: true });
      await fs.promises.rm(target, { recursive: true, force: true });
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await extractBundle(registration.bundleFile, staging, this.limits);
      const root = await locateTemplateRoot(staging);
      const missing = manifestsRequired(registration).filter(
        file => !fs.existsSync(path.join(root, file)),
      );
      if (missing.length > 0) {
        throw new BundleRejectedError(
          `the template bundle has no ${missing.join(
            ' and no ',
          )}, which a ${kind} template needs`,
        );
      }
      schemaYaml = await fs.promises.readFile(
        path.join(root, SCHEMA_FILE),
        'utf8',
      );
      problems = await this.schemaCheck({
        kind,
        schemaYaml,
        previousSchemaYaml: await this.previousSchema(registration),
      });
      if (problems.length === 0) {
        await fs.promises.rename(root, target);
      }
    } catch (error) {
      if (!(error instanceof BundleRejectedError)) {
        this.onInternalError(error);
      }
      problems = [
        error instanceof BundleRejectedError
          ? error.message
          : 'the template bundle could not be read',
      ];
    } finally {
      await fs.promises.rm(staging, { recursive: true, force: true });
    }
    await this.finish(registration, problems, schemaYaml);
  }

  /** Removes a deleted version's template files. */
  async forget(
    kind: TemplateKind,
    templateName: string,
    major: number,
    minor: number,
  ): Promise<void> {
    await fs.promises.rm(
      this.versionDirectory(kind, templateName, major, minor),
      {
        recursive: true,
        force: true,
      },
    );
  }

  private async previousSchema(
    registration: TemplateRegistration,
  ): Promise<string | undefined> {
    const row = await this.knex('template_versions')
      .where({
        kind: registration.kind,
        template_name: registration.templateName,
        major: registration.major,
      })
      .where('minor', '<', registration.minor)
      .whereIn('status', ['DRAFT', 'PUBLISHED'])
      .orderBy('minor', 'desc')
      .first();
    return row ? toTemplateVersionRecord(row).schema : undefined;
  }

  private async finish(
    registration: TemplateRegistration,
    problems: string[],
    schemaYaml: string | undefined,
  ): Promise<void> {
    const failed = problems.length > 0;
    const recorded = await this.knex.transaction(async trx => {
      const current = await trx('template_versions')
        .where({
          kind: registration.kind,
          template_name: registration.templateName,
          major: registration.major,
          minor: registration.minor,
        })
        .first();
      // Deleted (or deleted and created again) while registering: there is nothing to record.
      if (
        !current ||
        current.status !== 'REGISTRATION_IN_PROGRESS' ||
        Number(current.created_at) !== registration.createdAt.getTime()
      ) {
        return false;
      }
      await updateTemplateVersion(trx, registration, {
        status: failed ? 'REGISTRATION_FAILED' : 'DRAFT',
        status_message: failed
          ? `Template bundle registration failed: ${problems.join('; ')}`
          : null,
        schema: failed ? null : schemaYaml,
        last_modified_at: Date.now(),
      });
      return true;
    });
    if (!recorded && !failed) {
      await this.forget(
        registration.kind,
        registration.templateName,
        registration.major,
        registration.minor,
      );
    }
  }
}
