import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The prefix of the control plane's temporary folders under the system's temporary directory. */
const PREFIX = 'proton-server-';
/** The file in each temporary folder naming the process that made it. */
const OWNER_FILE = '.owner-pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes a temporary folder for a control plane (`<tmpdir>/proton-server-XXXXXX`) that records the
 * process that made it, so that {@link removeAbandonedTemporaryDirectories} can tell it is
 * abandoned once that process is gone.
 */
export async function makeTemporaryDirectory(
  tmpdir = os.tmpdir(),
): Promise<string> {
  const directory = await fs.promises.mkdtemp(path.join(tmpdir, PREFIX));
  await fs.promises.writeFile(
    path.join(directory, OWNER_FILE),
    String(process.pid),
  );
  return directory;
}

/**
 * Removes the temporary folders of control planes whose process is gone without removing them (killed,
 * or stopped before its shutdown finished): those whose owner file names a process that no longer
 * runs. Folders of running processes, and folders without an owner file, are left alone.
 *
 * @returns the folders removed
 */
export async function removeAbandonedTemporaryDirectories(
  tmpdir = os.tmpdir(),
): Promise<string[]> {
  const entries = await fs.promises
    .readdir(tmpdir, { withFileTypes: true })
    .catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(PREFIX)) continue;
    const directory = path.join(tmpdir, entry.name);
    const owner = Number(
      await fs.promises
        .readFile(path.join(directory, OWNER_FILE), 'utf8')
        .catch(() => ''),
    );
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    await fs.promises
      .rm(directory, { recursive: true, force: true })
      .then(() => removed.push(directory))
      .catch(() => undefined);
  }
  return removed;
}
