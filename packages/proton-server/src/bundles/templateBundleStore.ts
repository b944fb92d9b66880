import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import { TemplateKind, templateVersionKey } from '../store/templateStore';

/**
 * The database a {@link TemplateBundleStore} works in: the control plane's knex instance, or the
 * transaction that registers or deletes a template version.
 *
 * @public
 */
export type TemplateBundleStoreDatabase = Knex | Knex.Transaction;

/**
 * A registered template version, as bundles are stored by.
 *
 * @public
 */
export interface TemplateVersionRef {
  /** Whether the template is a service template or an environment template. */
  kind: TemplateKind;
  /** The template's name. */
  templateName: string;
  /** The version's major version number. */
  major: number;
  /** The version's minor version number. */
  minor: number;
}

/**
 * Where registered template bundles are kept for good, so that every server sharing the database can
 * deploy every registered version, also after a restart: the database (the default) or S3.
 *
 * @public
 */
export interface TemplateBundleStore {
  /**
   * Stores the bundle (.tar.gz bytes) of a version being registered, in `db`'s transaction where the
   * store is the database.
   *
   * @returns the location to record with the version (read back by `get` and `delete`)
   */
  put(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
    bundle: Buffer,
    sha256: string,
  ): Promise<string>;
  /** The bundle stored at `location`, or undefined when it is not there. */
  get(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
    location: string,
  ): Promise<Buffer | undefined>;
  /** Removes a deleted version's bundle; in `db`'s transaction where the store is the database. */
  delete(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
    location: string,
  ): Promise<void>;
}

/** The location a bundle kept in the control plane's database is recorded with. */
export const DATABASE_LOCATION = 'database';

/**
 * Keeps bundles in the control plane's own database (table `template_bundles`), in the same
 * transaction that records the version as registered: at most 10 MB each, as Proton's quota allows.
 *
 * @public
 */
export class DatabaseTemplateBundleStore implements TemplateBundleStore {
  /**
   * Stores the bundle in `template_bundles` (replacing one stored for the same version), in `db`'s
   * transaction.
   *
   * @returns `database`, the location of every bundle this store keeps
   */
  async put(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
    bundle: Buffer,
    sha256: string,
  ): Promise<string> {
    await db('template_bundles')
      .insert({
        ...templateVersionKey(version),
        sha256,
        content: bundle,
        created_at: Date.now(),
      })
      .onConflict(['kind', 'template_name', 'major', 'minor'])
      .merge();
    return DATABASE_LOCATION;
  }

  /** The version's bundle from `template_bundles`, or undefined when there is none. */
  async get(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
  ): Promise<Buffer | undefined> {
    const row = await db('template_bundles')
      .where(templateVersionKey(version))
      .first('content');
    return row ? Buffer.from(row.content) : undefined;
  }

  /** Removes the version's bundle from `template_bundles`, in `db`'s transaction. */
  async delete(
    db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
  ): Promise<void> {
    await db('template_bundles').where(templateVersionKey(version)).delete();
  }
}

/**
 * Keeps bundles in an S3 bucket, at `<prefix><kind>/<template>/<major>.<minor>/<sha256>.tar.gz`
 * (the control plane needs `s3:PutObject`, `s3:GetObject` and `s3:DeleteObject` there).
 *
 * @public
 */
export class S3TemplateBundleStore implements TemplateBundleStore {
  /**
   * @param s3 - the client to call S3 with
   * @param bucket - the bucket the bundles are kept in
   * @param prefix - prefix of the object keys; defaults to `proton-server/template-bundles/`
   */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'proton-server/template-bundles/',
  ) {}

  private parse(location: string): { Bucket: string; Key: string } {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!match) {
      throw new Error(`${location} is not an S3 location of a template bundle`);
    }
    return { Bucket: match[1], Key: match[2] };
  }

  /**
   * Uploads the bundle with `PutObject`; `db` is not used.
   *
   * @returns the object's `s3://<bucket>/<key>` location
   */
  async put(
    _db: TemplateBundleStoreDatabase,
    version: TemplateVersionRef,
    bundle: Buffer,
    sha256: string,
  ): Promise<string> {
    const key = `${this.prefix}${version.kind}/${version.templateName}/${version.major}.${version.minor}/${sha256}.tar.gz`;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bundle,
        ContentType: 'application/gzip',
      }),
    );
    return `s3://${this.bucket}/${key}`;
  }

  /**
   * Downloads the bundle at an `s3://<bucket>/<key>` location; undefined when the object does not exist.
   *
   * @throws Error when `location` is not an S3 location; the S3 client's errors other than `NoSuchKey`
   */
  async get(
    _db: TemplateBundleStoreDatabase,
    _version: TemplateVersionRef,
    location: string,
  ): Promise<Buffer | undefined> {
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand(this.parse(location)),
      );
      return Body ? Buffer.from(await Body.transformToByteArray()) : undefined;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  /**
   * Deletes the object at an `s3://<bucket>/<key>` location with `DeleteObject`.
   *
   * @throws Error when `location` is not an S3 location; the S3 client's errors
   */
  async delete(
    _db: TemplateBundleStoreDatabase,
    _version: TemplateVersionRef,
    location: string,
  ): Promise<void> {
    await this.s3.send(new DeleteObjectCommand(this.parse(location)));
  }
}
