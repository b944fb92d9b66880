import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a packaged bundle is put for Proton to read it as `source.s3`.
 *
 * @public
 */
export interface BundleUpload {
  /** Stores `content` as `s3://<bucket>/<key>` (or its stand-in); resolves to a description. */
  upload(bucket: string, key: string, content: Buffer): Promise<string>;
}

/**
 * Uploads bundles to S3 with `PutObject`.
 *
 * @public
 */
export class S3BundleUpload implements BundleUpload {
  constructor(private readonly s3: Pick<S3Client, 'send'>) {}

  async upload(bucket: string, key: string, content: Buffer): Promise<string> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: content,
        ContentType: 'application/gzip',
      }),
    );
    return `s3://${bucket}/${key}`;
  }
}

/**
 * Copies bundles into a control plane's bundles directory, where it resolves
 * `{s3: {bucket, key}}` to `<directory>/<bucket>/<key>`.
 *
 * @public
 */
export class DirectoryBundleUpload implements BundleUpload {
  constructor(private readonly directory: string) {}

  async upload(bucket: string, key: string, content: Buffer): Promise<string> {
    const root = path.resolve(this.directory);
    const target = path.resolve(root, bucket, key);
    if (!target.startsWith(`${root}${path.sep}`)) {
      throw new Error(
        `bucket and key must stay inside ${root}: ${bucket}/${key}`,
      );
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
    return target;
  }
}
