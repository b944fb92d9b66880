import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { LeaseOptions } from '../deployments/deploymentLeases';
import {
  databaseNow,
  databaseNowPlus,
  forUpdate,
} from '../store/databaseDialect';
import {
  templateVersionKey,
  TemplateVersionRecord,
  toTemplateVersionRecord,
  updateTemplateVersion,
} from '../store/templateStore';
import type { BundleSourceResolver } from './bundleSource';
import {
  BundleLimits,
  BundleRejectedError,
  extractBundle,
} from './extractBundle';
import type { TemplateVersionRef } from './templateBundleStore';
import {
  locateTemplateRoot,
  SCHEMA_FILE,
  TemplateFiles,
} from './templateFiles';
import type { TemplateSchemaCheck } from './templateSchemaCheck';

type Db = Knex | Knex.Transaction;

/** A template version waiting for its bundle to be registered. */
export interface TemplateRegistration extends TemplateVersionRef {
  /** The local path of the bundle (.tar.gz). */
  bundleFile: string;
  /** Service templates with a pipeline must ship `pipeline_infrastructure/`. */
  requiresPipeline?: boolean;
  /**
   * An environment template with `provisioning: CUSTOMER_MANAGED` describes infrastructure that
   * exists already: its bundle holds only `schema/`, and an `infrastructure/` folder is refused.
   */
  customerManaged?: boolean;
  /** When the version was created: a version deleted and created again is another registration. */
  createdAt: Date;
  /** The registration attempt this server claimed (1, then more after interruptions). */
  attempt: number;
}

function manifestsRequired(registration: TemplateRegistration): string[] {
  if (registration.kind === 'environment') {
    return registration.customerManaged ? [] : ['infrastructure/manifest.yaml'];
  }
  return [
    'instance_infrastructure/manifest.yaml',
    ...(registration.requiresPipeline
      ? ['pipeline_infrastructure/manifest.yaml']
      : []),
  ];
}

/**
 * Writes the bundle of a version synced from Git (see template sync) to `file` again, from the
 * revision it came from.
 *
 * @throws Error with a message a client may see, when the revision cannot be read
 */
export type RevisionBundleSource = (
  revision: NonNullable<TemplateVersionRecord['sourceRevision']>,
  file: string,
) => Promise<void>;

/**
 * Registers template versions from their bundles: extracts the bundle safely, checks its layout and
 * schema, stores it durably (see {@link TemplateFiles}) and moves the version from
 * REGISTRATION_IN_PROGRESS to DRAFT, or to REGISTRATION_FAILED with a statusMessage saying why.
 *
 * A registration is claimed in the database like a deployment (`claimed_by`, a lease by the
 * database's clock renewed while it runs, an attempt number that fences out a stale holder), so one
 * that a crash interrupted is taken up again by any server sharing the database: registered again
 * from its source, or failed with a statusMessage when the source cannot be read any more or after
 * `maxAttempts` interruptions. No version stays REGISTRATION_IN_PROGRESS.
 */
export class TemplateRegistrar {
  constructor(
    private readonly knex: Knex,
    private readonly files: TemplateFiles,
    private readonly bundleSources: BundleSourceResolver,
    private readonly schemaCheck: TemplateSchemaCheck,
    private readonly limits: BundleLimits,
    private readonly leases: LeaseOptions,
    private readonly scratchDirectory: string,
    private readonly onInternalError: (error: unknown) => void,
    private readonly revisionBundles?: RevisionBundleSource,
  ) {}

  /** Claims a version's first registration for this server, in the transaction creating it. */
  async claim(db: Db, version: TemplateVersionRef): Promise<number> {
    await db('template_versions')
      .where(templateVersionKey(version))
      .update({
        claimed_by: this.leases.owner,
        lease_expires_at: databaseNowPlus(db, this.leases.leaseMs),
        registration_attempts: 1,
      });
    return 1;
  }

  /** Registers one version; never throws: failures end up in the version's status. */
  async register(registration: TemplateRegistration): Promise<void> {
    const renewal = setInterval(() => {
      this.renew(registration).catch(this.onInternalError);
    }, Math.max(100, Math.floor(this.leases.leaseMs / 3)));
    renewal.unref();
    const staging = path.join(
      this.scratchDirectory,
      `registration-${randomUUID()}`,
    );
    let schemaYaml: string | undefined;
    let root: string | undefined;
    let problems: string[];
    try {
      await fs.promises.mkdir(this.scratchDirectory, { recursive: true });
      await extractBundle(registration.bundleFile, staging, this.limits);
      root = await locateTemplateRoot(staging);
      const missing = manifestsRequired(registration).filter(
        file => !fs.existsSync(path.join(root!, file)),
      );
      if (missing.length > 0) {
        throw new BundleRejectedError(
          `the template bundle has no ${missing.join(' and no ')}, which a ${
            registration.kind
          } template needs`,
        );
      }
      if (
        registration.customerManaged &&
        fs.existsSync(path.join(root, 'infrastructure'))
      ) {
        throw new BundleRejectedError(
          'the template bundle has an infrastructure/ folder, which a customer managed environment template ' +
            'cannot have: its environments describe infrastructure that exists already, so the bundle holds only schema/',
        );
      }
      schemaYaml = await fs.promises.readFile(
        path.join(root, SCHEMA_FILE),
        'utf8',
      );
      problems = await this.schemaCheck({
        kind: registration.kind,
        schemaYaml,
        previousSchemaYaml: await this.previousSchema(registration),
      });
    } catch (error) {
      if (!(error instanceof BundleRejectedError)) {
        this.onInternalError(error);
      }
      problems = [
        error instanceof BundleRejectedError
          ? error.message
          : 'the template bundle could not be read',
      ];
    }
    try {
      const sha256 = await this.finish(registration, problems, schemaYaml);
      if (sha256 && root) await this.files.adopt(registration, sha256, root);
    } catch (error) {
      // The claim lapses and another attempt registers the version again.
      this.onInternalError(error);
    } finally {
      clearInterval(renewal);
      await fs.promises.rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Removes a deleted version's stored bundle in `db`'s transaction.
   *
   * @returns what to do once the transaction has committed
   */
  async forget(
    db: Db,
    version: TemplateVersionRef,
    bundleLocation: string | undefined,
  ): Promise<() => Promise<void>> {
    return this.files.remove(db, version, bundleLocation);
  }

  /** Drops every registration claim: for a database that belongs to this server alone. */
  async releaseClaims(): Promise<void> {
    await this.knex('template_versions')
      .where({ status: 'REGISTRATION_IN_PROGRESS' })
      .whereNotNull('claimed_by')
      .update({ claimed_by: null, lease_expires_at: null });
  }

  /**
   * Takes up registrations no live server holds (their server stopped): registers them again from
   * their source, or fails them with a statusMessage.
   */
  async recover(): Promise<void> {
    const rows = await this.knex('template_versions')
      .where({ status: 'REGISTRATION_IN_PROGRESS' })
      .where(query =>
        query
          .whereNull('claimed_by')
          .orWhere('lease_expires_at', '<', databaseNow(this.knex)),
      )
      .orderBy('created_at')
      .limit(20);
    for (const row of rows) {
      const record = toTemplateVersionRecord(row);
      const claimed = await this.knex('template_versions')
        .where(templateVersionKey(record))
        .where({
          status: 'REGISTRATION_IN_PROGRESS',
          created_at: row.created_at,
        })
        .where(query =>
          query
            .whereNull('claimed_by')
            .orWhere('lease_expires_at', '<', databaseNow(this.knex)),
        )
        .update({
          claimed_by: this.leases.owner,
          lease_expires_at: databaseNowPlus(this.knex, this.leases.leaseMs),
          registration_attempts: this.knex.raw('?? + 1', [
            'registration_attempts',
          ]),
        });
      if (claimed !== 1) continue;
      const attempt = Number(row.registration_attempts) + 1;
      const base = {
        kind: record.kind,
        templateName: record.templateName,
        major: record.major,
        minor: record.minor,
        createdAt: record.createdAt,
        attempt,
      };
      const revision = record.sourceRevision;
      const source = revision
        ? `${revision.repositoryName}@${revision.sha.slice(0, 12)}:${
            revision.directory
          }`
        : `s3://${record.sourceBucket}/${record.sourceKey}`;
      if (attempt > this.leases.maxAttempts) {
        await this.finish({ ...base, bundleFile: '' }, [
          `the registration was interrupted ${
            attempt - 1
          } times (the control plane registering it stopped) and was not tried again`,
        ]);
        continue;
      }
      let bundleFile: string;
      let copied: string | undefined;
      try {
        if (revision) {
          if (!this.revisionBundles) {
            throw new Error('this control plane has no Git connections');
          }
          await fs.promises.mkdir(this.scratchDirectory, { recursive: true });
          copied = path.join(
            this.scratchDirectory,
            `revision-${randomUUID()}.tar.gz`,
          );
          await this.revisionBundles(revision, copied);
          bundleFile = copied;
        } else {
          bundleFile = await this.bundleSources.resolve({
            bucket: record.sourceBucket,
            key: record.sourceKey,
          });
        }
      } catch (error) {
        if (copied) await fs.promises.rm(copied, { force: true });
        await this.finish({ ...base, bundleFile: '' }, [
          `the registration was interrupted (the control plane registering it stopped) and the bundle ${source} ` +
            `could not be read again: ${(error as Error).message}`,
        ]);
        continue;
      }
      const template = await this.knex('templates')
        .where({ kind: record.kind, name: record.templateName })
        .first('pipeline_provisioning', 'provisioning');
      try {
        await this.register({
          ...base,
          bundleFile,
          requiresPipeline:
            record.kind === 'service' && !template?.pipeline_provisioning,
          customerManaged:
            record.kind === 'environment' &&
            template?.provisioning === 'CUSTOMER_MANAGED',
        });
      } finally {
        if (copied) await fs.promises.rm(copied, { force: true });
      }
    }
  }

  private async renew(registration: TemplateRegistration): Promise<void> {
    await this.knex('template_versions')
      .where(templateVersionKey(registration))
      .where({
        claimed_by: this.leases.owner,
        registration_attempts: registration.attempt,
      })
      .update({
        lease_expires_at: databaseNowPlus(this.knex, this.leases.leaseMs),
      });
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

  /**
   * Records the outcome, if this server still holds the registration.
   *
   * @returns the stored bundle's SHA-256 when the version is now DRAFT
   */
  private async finish(
    registration: TemplateRegistration,
    problems: string[],
    schemaYaml?: string,
  ): Promise<string | undefined> {
    const failed = problems.length > 0;
    return this.knex.transaction(async trx => {
      const current = await forUpdate(
        trx,
        trx('template_versions')
          .where(templateVersionKey(registration))
          .first(),
      );
      // Deleted (or deleted and created again) while registering, or taken up by another server
      // after this one's claim lapsed: there is nothing to record.
      if (
        !current ||
        current.status !== 'REGISTRATION_IN_PROGRESS' ||
        Number(current.created_at) !== registration.createdAt.getTime() ||
        current.claimed_by !== this.leases.owner ||
        Number(current.registration_attempts) !== registration.attempt
      ) {
        return undefined;
      }
      const stored = failed
        ? undefined
        : await this.files.keep(trx, registration, registration.bundleFile);
      await updateTemplateVersion(trx, registration, {
        status: failed ? 'REGISTRATION_FAILED' : 'DRAFT',
        status_message: failed
          ? `Template bundle registration failed: ${problems.join('; ')}`
          : null,
        schema: failed ? null : schemaYaml,
        claimed_by: null,
        lease_expires_at: null,
        last_modified_at: Date.now(),
        ...stored,
      });
      return stored?.bundle_sha256;
    });
  }
}
