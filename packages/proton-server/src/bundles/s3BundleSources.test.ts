import {
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { S3BundleSources } from './s3BundleSources';

describe('S3BundleSources', () => {
  const s3 = mockClient(S3Client);
  let cache: string;

  beforeEach(async () => {
    s3.reset();
    cache = await fs.promises.mkdtemp(path.join(os.tmpdir(), 's3-bundles-'));
  });
  afterEach(() => fs.promises.rm(cache, { recursive: true, force: true }));

  it('downloads a bundle once per object version', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 5, ETag: '"abc"' });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from([Buffer.from('hello')]),
    }));
    const sources = new S3BundleSources(new S3Client({}), cache);
    const first = await sources.resolve({
      bucket: 'templates',
      key: 'svc/1.0.tar.gz',
    });
    const second = await sources.resolve({
      bucket: 'templates',
      key: 'svc/1.0.tar.gz',
    });
    expect(second).toBe(first);
    expect(await fs.promises.readFile(first, 'utf8')).toBe('hello');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'templates',
      Key: 'svc/1.0.tar.gz',
      IfMatch: '"abc"',
    });
  });

  it('refuses a bundle over the quota before downloading it', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 11 * 1024 * 1024 });
    const sources = new S3BundleSources(new S3Client({}), cache);
    await expect(
      sources.resolve({ bucket: 'b', key: 'big.tar.gz' }),
    ).rejects.toMatchObject({
      errorName: 'ServiceQuotaExceededException',
      message: expect.stringContaining(
        'the quota for a template bundle is 10485760 bytes',
      ),
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('says that a missing or unreadable bundle is missing or unreadable', async () => {
    const sources = new S3BundleSources(new S3Client({}), cache);
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('nope'), { name: 'NotFound' }),
    );
    await expect(
      sources.resolve({ bucket: 'b', key: 'gone.tar.gz' }),
    ).rejects.toThrow('The template bundle s3://b/gone.tar.gz does not exist');
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('denied'), { name: 'Forbidden' }),
    );
    await expect(
      sources.resolve({ bucket: 'b', key: 'secret.tar.gz' }),
    ).rejects.toThrow(
      /could not be read from S3 \(Forbidden\): check that the control plane may s3:GetObject it/,
    );
  });
});
