import fs from 'node:fs';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { listBundleContents } from './bundleFiles';

describe('listBundleContents', () => {
  const dir = createMockDirectory();

  it('honours .gitignore and .protonignore, nested ones included, and never lists node_modules', async () => {
    dir.setContent({
      '.gitignore': 'node_modules\n*.log\nbin/\n',
      '.protonignore': 'README.md\n',
      'README.md': 'docs',
      'schema/schema.yaml': 'schema: {}',
      'infrastructure/index.ts': '',
      'infrastructure/debug.log': '',
      'infrastructure/bin/index.js': '',
      'infrastructure/node_modules/x/index.js': '',
      'infrastructure/.gitignore': 'generated/\n!keep.log\n',
      'infrastructure/keep.log': '',
      'infrastructure/generated/out.ts': '',
      '.git/HEAD': 'ref',
    });
    const contents = await listBundleContents(dir.path);
    expect(contents.files.map(f => f.path)).toEqual([
      '.gitignore',
      'infrastructure/.gitignore',
      'infrastructure/index.ts',
      'infrastructure/keep.log',
      'schema/schema.yaml',
    ]);
    expect(contents.folders).toEqual(['infrastructure/', 'schema/']);
    expect(contents.nodeModulesFolders).toEqual([]);
  });

  it('lists node_modules folders that nothing ignores, without descending into them', async () => {
    dir.setContent({
      'schema/schema.yaml': '',
      'infrastructure/node_modules/x/index.js': '',
    });
    const contents = await listBundleContents(dir.path);
    expect(contents.nodeModulesFolders).toEqual([
      'infrastructure/node_modules/',
    ]);
    expect(contents.files.map(f => f.path)).toEqual(['schema/schema.yaml']);
  });

  it('honours the .gitignore files above the bundle up to its git repository root', async () => {
    dir.setContent({
      '.git/HEAD': 'ref',
      '.gitignore': 'node_modules/\n*.log\n',
      'templates/.gitignore': 'scratch.ts\n',
      'templates/env/schema/schema.yaml': '',
      'templates/env/infrastructure/node_modules/x/index.js': '',
      'templates/env/infrastructure/debug.log': '',
      'templates/env/infrastructure/scratch.ts': '',
      'templates/env/infrastructure/index.ts': '',
    });
    const contents = await listBundleContents(`${dir.path}/templates/env`);
    expect(contents.files.map(f => f.path)).toEqual([
      'infrastructure/index.ts',
      'schema/schema.yaml',
    ]);
    expect(contents.nodeModulesFolders).toEqual([]);
  });

  it('lists symbolic links apart: they are never packaged', async () => {
    dir.setContent({ 'schema/schema.yaml': '', 'infrastructure/index.ts': '' });
    fs.symlinkSync(
      '../schema/schema.yaml',
      `${dir.path}/infrastructure/link.yaml`,
    );
    const contents = await listBundleContents(dir.path);
    expect(contents.specialFiles).toEqual(['infrastructure/link.yaml']);
    expect(contents.files.map(f => f.path)).not.toContain(
      'infrastructure/link.yaml',
    );
  });
});
