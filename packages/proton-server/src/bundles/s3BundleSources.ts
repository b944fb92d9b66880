import {
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { quotaExceeded, validationError } from '../protocol/errors';
import { BundleSourceResolver, S3ObjectSource } from './bundleSource';
import { PROTON_BUNDLE_LIMITS } from './extractBundle';

function errorName(error: unknown): string | undefined {
  return (error as { name?: string })?.name;
}

/**
 * Resolves `{s3: {bucket, key}}` template bundle sources from real Amazon S3, as AWS Proton does: the
 * object's size is checked against the bundle quota before it is downloaded into `cacheDirectory`
 * (one file per object version, so a bundle read twice is downloaded once).
 *
 * @public
 */
export class S3BundleSources implements BundleSourceResolver {
  constructor(
    private readonly s3: S3Client,
    private readonly cacheDirectory: string,
    private readonly maxBundleBytes = PROTON_BUNDLE_LIMITS.maxBundleBytes,
  ) {}

  /**
   * Returns the local path of the downloaded bundle, downloading it (with `HeadObject` then
   * `GetObject`) unless this object version is already in the cache directory.
   *
   * @throws ProtonApiError ValidationException when the object does not exist, cannot be read or has
   *   no content; ServiceQuotaExceededException when it is larger than the bundle quota
   */
  async resolve(source: S3ObjectSource): Promise<string> {
    const name = `s3://${source.bucket}/${source.key}`;
    const request = { Bucket: source.bucket, Key: source.key };
    let head;
    try {
      head = await this.s3.send(new HeadObjectCommand(request));
    } catch (error) {
      if (
        ['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(
          errorName(error) ?? '',
        )
      ) {
        throw validationError(`The template bundle ${name} does not exist`);
      }
      throw validationError(
        `The template bundle ${name} could not be read from S3 (${
          errorName(error) ?? 'error'
        }): ` + 'check that the control plane may s3:GetObject it',
      );
    }
    const size = head.ContentLength ?? 0;
    if (size > this.maxBundleBytes) {
      throw quotaExceeded(
        `The template bundle ${name} is ${size} bytes; the quota for a template bundle is ${this.maxBundleBytes} bytes`,
      );
    }
    const file = path.join(
      this.cacheDirectory,
      `${createHash('sha256')
        .update(`${name}\0${head.ETag ?? ''}\0${head.VersionId ?? ''}`)
        .digest('hex')}.tar.gz`,
    );
    if (fs.existsSync(file)) return file;
    await fs.promises.mkdir(this.cacheDirectory, { recursive: true });
    const { Body } = await this.s3.send(
      new GetObjectCommand({ ...request, IfMatch: head.ETag }),
    );
    if (!(Body instanceof Readable)) {
      throw validationError(`The template bundle ${name} has no content`);
    }
    const partial = `${file}.${process.pid}.partial`;
    await pipeline(Body, fs.createWriteStream(partial));
    await fs.promises.rename(partial, file);
    return file;
  }
}
