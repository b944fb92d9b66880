import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  makeTemporaryDirectory,
  removeAbandonedTemporaryDirectories,
} from './temporaryDirectories';

describe('temporary directories', () => {
  let tmpdir: string;

  beforeEach(async () => {
    tmpdir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tmpdirs-'));
  });

  afterEach(async () => {
    await fs.promises.rm(tmpdir, { recursive: true, force: true });
  });

  it("removes the folders of processes that are gone, and keeps running processes' and others'", async () => {
    const mine = await makeTemporaryDirectory(tmpdir);
    // a process that has ended: its pid no longer runs
    const ended = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    const abandoned = await makeTemporaryDirectory(tmpdir);
    await fs.promises.writeFile(
      path.join(abandoned, '.owner-pid'),
      String(ended),
    );
    await fs.promises.mkdir(path.join(abandoned, 'runs', 'deep'), {
      recursive: true,
    });
    const unowned = path.join(tmpdir, 'proton-server-unowned');
    await fs.promises.mkdir(unowned);
    const other = path.join(tmpdir, 'something-else');
    await fs.promises.mkdir(other);

    expect(await removeAbandonedTemporaryDirectories(tmpdir)).toEqual([
      abandoned,
    ]);
    expect(fs.existsSync(abandoned)).toBe(false);
    for (const kept of [mine, unowned, other]) {
      expect(fs.existsSync(kept)).toBe(true);
    }
  });
});
