import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { DirectoryBundleUpload, S3BundleUpload } from './bundleUpload';

describe('S3BundleUpload', () => {
  it('puts the bundle with PutObject', async () => {
    // A stand-in for S3Client: aws-sdk-client-mock is not a dependency of this package.
    const sent: unknown[] = [];
    const upload = new S3BundleUpload({
      send: async (command: unknown) => {
        sent.push(command);
        return {};
      },
    } as any);
    const content = Buffer.from('bundle');
    await expect(
      upload.upload('my-bucket', 'templates/a.tar.gz', content),
    ).resolves.toBe('s3://my-bucket/templates/a.tar.gz');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toEqual({
      Bucket: 'my-bucket',
      Key: 'templates/a.tar.gz',
      Body: content,
      ContentType: 'application/gzip',
    });
  });
});

describe('DirectoryBundleUpload', () => {
  const dir = createMockDirectory();

  it('writes <directory>/<bucket>/<key> and refuses keys that leave the directory', async () => {
    const upload = new DirectoryBundleUpload(dir.path);
    const target = await upload.upload(
      'bucket',
      'a/b.tar.gz',
      Buffer.from('x'),
    );
    expect(target).toBe(path.join(dir.path, 'bucket', 'a', 'b.tar.gz'));
    expect(fs.readFileSync(target, 'utf8')).toBe('x');
    await expect(
      upload.upload('bucket', '../../escape', Buffer.from('x')),
    ).rejects.toThrow(/must stay inside/);
  });
});
