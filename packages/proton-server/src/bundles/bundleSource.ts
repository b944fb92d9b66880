import fs from 'node:fs';
import path from 'node:path';
import { quotaExceeded, validationError } from '../protocol/errors';
import { PROTON_BUNDLE_LIMITS } from './extractBundle';

/**
 * A template bundle location as the Proton API gives it.
 *
 * @public
 */
export interface S3ObjectSource {
  /** The S3 bucket's name. */
  bucket: string;
  /** The object's key in the bucket, such as `templates/my-template.tar.gz`. */
  key: string;
}

/**
 * Finds template bundles named by `{s3: {bucket, key}}` sources.
 *
 * @public
 */
export interface BundleSourceResolver {
  /**
   * Returns the local path of the bundle, checking that it exists and is within the bundle size quota.
   *
   * @throws ProtonApiError ValidationException for a key that is unsafe or names nothing,
   *   ServiceQuotaExceededException for a bundle over the size quota
   */
  resolve(source: S3ObjectSource): Promise<string>;
}

function sourceName(source: S3ObjectSource): string {
  return `s3://${source.bucket}/${source.key}`;
}

/**
 * Resolves `{s3: {bucket, key}}` to `<root>/<bucket>/<key>`, a directory standing in for S3.
 * Keys that would leave the bucket's directory (`..`, absolute paths, links out of it) are refused.
 *
 * @public
 */
export class DirectoryBundleSources implements BundleSourceResolver {
  constructor(
    private readonly root: string,
    private readonly maxBundleBytes = PROTON_BUNDLE_LIMITS.maxBundleBytes,
  ) {}

  async resolve(source: S3ObjectSource): Promise<string> {
    const segments = source.key.split('/');
    if (
      source.key.includes('\0') ||
      source.key.includes('\\') ||
      segments.some(s => s === '..' || s === '.' || s === '')
    ) {
      throw validationError(
        `The template bundle key ${JSON.stringify(
          source.key,
        )} is not a valid object key here: ` +
          'it must be a relative path without empty, "." or ".." segments',
      );
    }
    const bucketDir = path.resolve(this.root, source.bucket);
    const file = path.resolve(bucketDir, ...segments);
    let stat: fs.Stats;
    let real: string;
    try {
      real = await fs.promises.realpath(file);
      stat = await fs.promises.stat(real);
    } catch {
      throw validationError(
        `The template bundle ${sourceName(source)} does not exist`,
      );
    }
    const realBucketDir = await fs.promises.realpath(bucketDir);
    if (!real.startsWith(realBucketDir + path.sep) || !stat.isFile()) {
      throw validationError(
        `The template bundle ${sourceName(source)} is not a file in bucket ${
          source.bucket
        }`,
      );
    }
    if (stat.size > this.maxBundleBytes) {
      throw quotaExceeded(
        `The template bundle ${sourceName(source)} is ${stat.size} bytes; ` +
          `the quota for a template bundle is ${this.maxBundleBytes} bytes`,
      );
    }
    return real;
  }
}
