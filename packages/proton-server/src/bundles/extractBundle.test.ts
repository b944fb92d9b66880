import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  rawTarGz,
  RawTarEntry,
  writeBundle,
} from '../__testUtils__/templateBundles';
import {
  BundleLimits,
  BundleRejectedError,
  extractBundle,
} from './extractBundle';

const LIMITS: BundleLimits = {
  maxBundleBytes: 64 * 1024,
  maxFiles: 5,
  maxFileBytes: 1024,
};

describe('extractBundle', () => {
  let work: string;
  let destination: string;
  beforeEach(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'extract-test-'));
    destination = path.join(work, 'out');
  });
  afterEach(async () => {
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  async function extractRaw(entries: RawTarEntry[]): Promise<string> {
    const file = path.join(work, 'bundle.tar.gz');
    await fs.promises.writeFile(file, rawTarGz(entries));
    const error = await extractBundle(file, destination, LIMITS).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(BundleRejectedError);
    // Nothing is left behind, and nothing was written outside of the destination.
    expect(fs.existsSync(destination)).toBe(false);
    expect(fs.readdirSync(work)).toEqual(['bundle.tar.gz']);
    return error.message;
  }

  it('extracts a well-formed bundle', async () => {
    await writeBundle(
      work,
      'bucket',
      'ok.tar.gz',
      { 'schema/schema.yaml': 'schema: {}\n', 'a/b/c.txt': 'c' },
      '',
    );
    await extractBundle(
      path.join(work, 'bucket', 'ok.tar.gz'),
      destination,
      LIMITS,
    );
    expect(
      fs.readFileSync(path.join(destination, 'schema', 'schema.yaml'), 'utf8'),
    ).toBe('schema: {}\n');
    expect(
      fs.readFileSync(path.join(destination, 'a', 'b', 'c.txt'), 'utf8'),
    ).toBe('c');
  });

  it('refuses absolute paths', async () => {
    expect(
      await extractRaw([{ name: '/tmp/evil.txt', type: '0', content: 'x' }]),
    ).toContain('absolute path');
  });

  it('refuses paths with ..', async () => {
    expect(
      await extractRaw([{ name: 'a/../../evil.txt', type: '0', content: 'x' }]),
    ).toContain('".."');
  });

  it('refuses symbolic and hard links', async () => {
    expect(
      await extractRaw([{ name: 'link', type: '2', linkName: '/etc/passwd' }]),
    ).toBe('the entry link is a link');
    expect(
      await extractRaw([{ name: 'hard', type: '1', linkName: 'other' }]),
    ).toBe('the entry hard is a link');
  });

  it('refuses devices and FIFOs', async () => {
    expect(await extractRaw([{ name: 'dev', type: '3' }])).toContain(
      'not a regular file (CharacterDevice)',
    );
    expect(await extractRaw([{ name: 'pipe', type: '6' }])).toContain(
      'not a regular file (FIFO)',
    );
  });

  it('refuses files over the per-file limit and more files than allowed', async () => {
    expect(
      await extractRaw([
        { name: 'big.bin', type: '0', content: 'x'.repeat(1025) },
      ]),
    ).toContain('more than the 1024 bytes allowed per file');
    const many = Array.from({ length: 6 }, (_, i) => ({
      name: `f${i}`,
      type: '0',
      content: 'x',
    }));
    expect(await extractRaw(many)).toBe('the bundle has more than 5 files');
  });

  it('refuses archives that are not .tar.gz', async () => {
    const file = path.join(work, 'bundle.tar.gz');
    await fs.promises.writeFile(file, 'this is not gzip');
    const error = await extractBundle(file, destination, LIMITS).catch(e => e);
    expect(error).toBeInstanceOf(BundleRejectedError);
    expect(error.message).toMatch(
      /^the template bundle is not a valid .tar.gz archive/,
    );
    expect(fs.existsSync(destination)).toBe(false);
  });

  it('refuses archives over the size limit before reading them', async () => {
    const file = path.join(work, 'bundle.tar.gz');
    await fs.promises.writeFile(file, Buffer.alloc(LIMITS.maxBundleBytes + 1));
    const error = await extractBundle(file, destination, LIMITS).catch(e => e);
    expect(error.message).toBe(
      `the template bundle is ${
        LIMITS.maxBundleBytes + 1
      } bytes, more than the ${LIMITS.maxBundleBytes} bytes allowed`,
    );
  });
});
