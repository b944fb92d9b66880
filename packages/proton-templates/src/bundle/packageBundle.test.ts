import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { BUNDLE_ENTRY_MTIME, packageBundle } from './packageBundle';

interface ListedEntry {
  path: string;
  mode: number;
  mtime?: Date;
  uid: number;
  gid: number;
  type: string;
}

async function listArchive(content: Buffer): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = [];
  const parser = new tar.Parser({
    onReadEntry: entry => {
      entries.push({
        path: entry.path,
        mode: entry.mode ?? -1,
        mtime: entry.mtime,
        uid: entry.uid ?? -1,
        gid: entry.gid ?? -1,
        type: entry.type,
      });
      entry.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    Readable.from([content]).pipe(parser);
  });
  return entries;
}

const FILES = {
  '.gitignore': 'node_modules\n',
  'schema/schema.yaml': 'schema: {}\n',
  'infrastructure/manifest.yaml': 'infrastructure: {}\n',
  'infrastructure/index.ts': 'export const a = 1;\n',
  'infrastructure/node_modules/left-pad/index.js': 'module.exports = 1;\n',
};

describe('packageBundle', () => {
  const dir = createMockDirectory();

  it('gives identical bytes for the same files, whatever their times and permissions on disk', async () => {
    dir.setContent({ 'bundle-a': FILES, 'bundle-b': FILES });
    const a = path.join(dir.path, 'bundle-a');
    const b = path.join(dir.path, 'bundle-b');
    const first = await packageBundle(a, { rootFolder: 'bundle' });
    const again = await packageBundle(a, { rootFolder: 'bundle' });
    expect(again.sha256).toBe(first.sha256);

    fs.utimesSync(
      path.join(b, 'infrastructure/index.ts'),
      new Date('2001-02-03'),
      new Date('2001-02-03'),
    );
    fs.utimesSync(
      path.join(b, 'schema'),
      new Date('2020-01-01'),
      new Date('2020-01-01'),
    );
    fs.chmodSync(path.join(b, 'schema/schema.yaml'), 0o600);
    const other = await packageBundle(b, { rootFolder: 'bundle' });
    expect(other.content.equals(first.content)).toBe(true);
    expect(other.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes sorted, normalised entries without node_modules under the bundle folder name', async () => {
    dir.setContent({ 'fargate-env': FILES });
    const bundle = path.join(dir.path, 'fargate-env');
    fs.chmodSync(path.join(bundle, 'infrastructure/index.ts'), 0o775);
    const archive = await packageBundle(bundle);
    expect(archive.content.subarray(4, 8).readUInt32LE(0)).toBe(0); // no gzip timestamp
    expect(archive.files).toEqual([
      '.gitignore',
      'infrastructure/index.ts',
      'infrastructure/manifest.yaml',
      'schema/schema.yaml',
    ]);
    const entries = await listArchive(archive.content);
    expect(entries.map(e => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ['fargate-env/', 'Directory', '755'],
      ['fargate-env/.gitignore', 'File', '644'],
      ['fargate-env/infrastructure/', 'Directory', '755'],
      ['fargate-env/infrastructure/index.ts', 'File', '755'],
      ['fargate-env/infrastructure/manifest.yaml', 'File', '644'],
      ['fargate-env/schema/', 'Directory', '755'],
      ['fargate-env/schema/schema.yaml', 'File', '644'],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        uid: 0,
        gid: 0,
        mtime: BUNDLE_ENTRY_MTIME,
      });
    }
  });

  it('puts the template at the archive root with an empty root folder and keeps long paths', async () => {
    const long = `infrastructure/${'deeply-nested-folder/'.repeat(8)}index.ts`;
    dir.setContent({ 'schema/schema.yaml': '', [long]: 'x' });
    const archive = await packageBundle(dir.path, { rootFolder: '' });
    const entries = await listArchive(archive.content);
    expect(entries.map(e => e.path)).toContain(long);
    expect(entries[0].path).toBe('infrastructure/');
  });
});
