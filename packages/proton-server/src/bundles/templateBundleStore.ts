import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Knex } from 'knex';
import { TemplateKind, templateVersionKey } from '../store/templateStore';

type Db = Knex | Knex.Transaction;

/**
 * A registered template version, as bundles are stored by.
 *
 * @public
 */
export interface TemplateVersionRef {
  kind: TemplateKind;
  templateName: string;
  major: number;
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
    db: Db,
    version: TemplateVersionRef,
    bundle: Buffer,
    sha256: string,
  ): Promise<string>;
  /** The bundle stored at `location`, or undefined when it is not there. */
  get(
    db: Db,
    version: TemplateVersionRef,
    location: string,
  ): Promise<Buffer | undefined>;
  /** Removes a deleted version's bundle; in `db`'s transaction where the store is the database. */
  delete(db: Db, version: TemplateVersionRef, location: string): Promise<void>;
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
  async put(
    db: Db,
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

  async get(db: Db, version: TemplateVersionRef): Promise<Buffer | undefined> {
    const row = await db('template_bundles')
      .where(templateVersionKey(version))
      .first('content');
    return row ? Buffer.from(row.content) : undefined;
  }

  async delete(db: Db, version: TemplateVersionRef): Promise<void> {
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

  async put(
    _db: Db,
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

  async get(
    _db: Db,
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

  async delete(
    _db: Db,
    _version: TemplateVersionRef,
    location: string,
  ): Promise<void> {
    await this.s3.send(new DeleteObjectCommand(this.parse(location)));
  }
}
