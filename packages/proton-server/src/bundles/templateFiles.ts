import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import * as tar from 'tar';
import {
  BundleLimits,
  BundleRejectedError,
  extractBundle,
} from './extractBundle';
import { templateVersionKey } from '../store/templateStore';
import {
  DATABASE_LOCATION,
  TemplateBundleStore,
  TemplateVersionRef,
} from './templateBundleStore';

type Db = Knex | Knex.Transaction;

/** Where a template's schema is, relative to its root. */
export const SCHEMA_FILE = path.join('schema', 'schema.yaml');

/**
 * Raised when a registered version's files cannot be had; the message says why and is safe to show
 * as a deployment's statusMessage.
 */
export class TemplateFilesUnavailableError extends Error {}

/** The template's root in an extracted bundle: the bundle itself or its one top-level folder. */
export async function locateTemplateRoot(extracted: string): Promise<string> {
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

function describe(version: TemplateVersionRef): string {
  return `version ${version.major}.${version.minor} of the ${version.kind} template ${version.templateName}`;
}

/**
 * The files of registered template versions. Each version's bundle is kept durably in a
 * {@link TemplateBundleStore} (recorded with the version as `bundle_location` and `bundle_sha256`);
 * on disk there is only a cache, `<cacheDirectory>/<kind>-templates/<template>/<major>.<minor>-<hash>`,
 * unpacked again from the store whenever it is missing (a restart, another replica, a new machine).
 * Nothing stored names a directory of one machine.
 */
export class TemplateFiles {
  private readonly unpacking = new Map<string, Promise<string>>();

  constructor(
    private readonly knex: Knex,
    private readonly store: TemplateBundleStore,
    private readonly cacheDirectory: string,
    private readonly limits: BundleLimits,
  ) {}

  /** Where a version's files are unpacked (the content hash keeps a re-created version apart). */
  cachedDirectory(version: TemplateVersionRef, sha256: string): string {
    return path.join(
      this.cacheDirectory,
      `${version.kind}-templates`,
      version.templateName,
      `${version.major}.${version.minor}-${sha256.slice(0, 16)}`,
    );
  }

  /**
   * Writes a directly defined component's files (relative paths such as `infrastructure/manifest.yaml`,
   * checked when the component was created) into a directory of their own for one deployment.
   *
   * @returns the directory, the run's template directory
   */
  async componentDirectory(
    deploymentId: string,
    files: Record<string, string>,
  ): Promise<string> {
    const root = path.resolve(this.cacheDirectory, 'components', deploymentId);
    for (const [relative, content] of Object.entries(files)) {
      const file = path.resolve(root, relative);
      if (!file.startsWith(`${root}${path.sep}`)) {
        throw new Error(
          `A component file may not leave its folder: ${relative}`,
        );
      }
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, content);
    }
    return root;
  }

  /** Removes the files {@link TemplateFiles.componentDirectory} wrote for a deployment, once it has ended. */
  async removeComponentDirectory(deploymentId: string): Promise<void> {
    await fs.promises.rm(
      path.resolve(this.cacheDirectory, 'components', deploymentId),
      { recursive: true, force: true },
    );
  }

  /** Where versions registered before bundles were stored durably had their files. */
  private legacyDirectory(version: TemplateVersionRef): string {
    return path.join(
      this.cacheDirectory,
      `${version.kind}-templates`,
      version.templateName,
      `${version.major}.${version.minor}`,
    );
  }

  /**
   * Stores a validated bundle for good, in `db`'s transaction where the store is the database.
   *
   * @returns the columns to record with the version
   */
  async keep(
    db: Db,
    version: TemplateVersionRef,
    bundleFile: string,
  ): Promise<{ bundle_location: string; bundle_sha256: string }> {
    const bundle = await fs.promises.readFile(bundleFile);
    const sha256 = createHash('sha256').update(bundle).digest('hex');
    const location = await this.store.put(db, version, bundle, sha256);
    return { bundle_location: location, bundle_sha256: sha256 };
  }

  /** Puts an already unpacked template root in the cache (a registration's own extraction). */
  async adopt(
    version: TemplateVersionRef,
    sha256: string,
    root: string,
  ): Promise<void> {
    const target = this.cachedDirectory(version, sha256);
    if (fs.existsSync(target)) return;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.rename(root, target).catch(() => {});
  }

  /**
   * The local directory holding a registered version's files, unpacked from the store when the
   * cache does not have them.
   *
   * @throws TemplateFilesUnavailableError when the version has no stored bundle, or the store cannot
   *   give it
   */
  async directory(version: TemplateVersionRef): Promise<string> {
    const row = await this.knex('template_versions')
      .where(templateVersionKey(version))
      .first('bundle_location', 'bundle_sha256');
    if (!row) {
      throw new TemplateFilesUnavailableError(
        `The template files cannot be had: ${describe(
          version,
        )} does not exist any more`,
      );
    }
    if (!row.bundle_location) {
      const legacy = this.legacyDirectory(version);
      if (fs.existsSync(legacy)) return legacy;
      throw new TemplateFilesUnavailableError(
        `The files of ${describe(
          version,
        )} are not stored: it was registered by an earlier control plane that kept them only on ` +
          'one machine. Create the version again from its bundle.',
      );
    }
    const target = this.cachedDirectory(version, row.bundle_sha256);
    if (fs.existsSync(target)) return target;
    let pending = this.unpacking.get(target);
    if (!pending) {
      pending = this.unpack(
        version,
        row.bundle_location,
        row.bundle_sha256,
        target,
      ).finally(() => this.unpacking.delete(target));
      this.unpacking.set(target, pending);
    }
    return pending;
  }

  private async unpack(
    version: TemplateVersionRef,
    location: string,
    sha256: string,
    target: string,
  ): Promise<string> {
    let bundle: Buffer | undefined;
    try {
      bundle = await this.store.get(this.knex, version, location);
    } catch (error) {
      throw new TemplateFilesUnavailableError(
        `The bundle of ${describe(
          version,
        )} could not be read from ${location} (${
          (error as Error).name ?? 'error'
        }): ${(error as Error).message}`,
      );
    }
    if (!bundle) {
      throw new TemplateFilesUnavailableError(
        `The bundle of ${describe(version)} is missing from ${location}`,
      );
    }
    if (createHash('sha256').update(bundle).digest('hex') !== sha256) {
      throw new TemplateFilesUnavailableError(
        `The bundle of ${describe(
          version,
        )} at ${location} is not the one registered (its SHA-256 differs)`,
      );
    }
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const scratch = `${target}.${randomUUID().slice(0, 8)}`;
    const file = `${scratch}.tar.gz`;
    const staging = `${scratch}.extracting`;
    try {
      await fs.promises.writeFile(file, bundle);
      await extractBundle(file, staging, this.limits);
      const root = await locateTemplateRoot(staging);
      // Another unpacking of the same version may have won: either copy is the same.
      await fs.promises.rename(root, target).catch(error => {
        if (!fs.existsSync(target)) throw error;
      });
      return target;
    } catch (error) {
      if (error instanceof BundleRejectedError) {
        throw new TemplateFilesUnavailableError(
          `The bundle of ${describe(version)} could not be unpacked: ${
            error.message
          }`,
        );
      }
      throw error;
    } finally {
      await fs.promises.rm(file, { force: true });
      await fs.promises.rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Stores the files of versions registered before bundles were kept durably, where this machine
   * still has them (their old directory in the cache directory), so that every server can deploy
   * them from now on.
   *
   * @returns the versions stored
   */
  async storeLegacyVersions(): Promise<TemplateVersionRef[]> {
    const rows = await this.knex('template_versions')
      .whereNull('bundle_location')
      .whereIn('status', ['DRAFT', 'PUBLISHED'])
      .select('kind', 'template_name', 'major', 'minor');
    const stored: TemplateVersionRef[] = [];
    for (const row of rows) {
      const version: TemplateVersionRef = {
        kind: row.kind,
        templateName: row.template_name,
        major: Number(row.major),
        minor: Number(row.minor),
      };
      const legacy = this.legacyDirectory(version);
      if (!fs.existsSync(legacy)) continue;
      const file = `${legacy}.${randomUUID().slice(0, 8)}.tar.gz`;
      try {
        await tar.c({ gzip: true, file, cwd: legacy, portable: true }, ['.']);
        await this.knex.transaction(async trx => {
          const columns = await this.keep(trx, version, file);
          await trx('template_versions')
            .where(templateVersionKey(version))
            .whereNull('bundle_location')
            .update(columns);
        });
        stored.push(version);
      } finally {
        await fs.promises.rm(file, { force: true });
      }
    }
    return stored;
  }

  /**
   * Removes a deleted version's stored bundle, in `db`'s transaction where the store is the database.
   *
   * @returns what to do once the transaction has committed: remove the cached files (and the S3
   *   object, where the store is S3)
   */
  async remove(
    db: Db,
    version: TemplateVersionRef,
    location: string | undefined,
  ): Promise<() => Promise<void>> {
    const inTransaction =
      location === undefined || location === DATABASE_LOCATION;
    if (location && inTransaction) {
      await this.store.delete(db, version, location);
    }
    return async () => {
      if (location && !inTransaction) {
        await this.store.delete(this.knex, version, location);
      }
      const folder = path.dirname(this.legacyDirectory(version));
      const entries = await fs.promises.readdir(folder).catch(() => []);
      const prefix = `${version.major}.${version.minor}`;
      for (const entry of entries) {
        if (entry === prefix || entry.startsWith(`${prefix}-`)) {
          await fs.promises.rm(path.join(folder, entry), {
            recursive: true,
            force: true,
          });
        }
      }
    };
  }
}
