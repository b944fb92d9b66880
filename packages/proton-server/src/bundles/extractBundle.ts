import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

/**
 * The limits a template bundle must stay within, as AWS Proton's quotas put them.
 *
 * @public
 */
export interface BundleLimits {
  /** The largest .tar.gz accepted (Proton: 10 MB). */
  maxBundleBytes: number;
  /** The most files a bundle can hold (Proton: 500). */
  maxFiles: number;
  /** The largest file a bundle can hold (Proton: 2 MB). */
  maxFileBytes: number;
}

/** AWS Proton's template bundle quotas. */
export const PROTON_BUNDLE_LIMITS: BundleLimits = {
  maxBundleBytes: 10 * 1024 * 1024,
  maxFiles: 500,
  maxFileBytes: 2 * 1024 * 1024,
};

/** Raised when a bundle is refused; the message says why and is safe to show to the client. */
export class BundleRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleRejectedError';
  }
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const METADATA_TYPES = new Set([
  'ExtendedHeader',
  'GlobalExtendedHeader',
  'NextFileHasLongPath',
  'NextFileHasLongLinkpath',
  'OldGnuLongPath',
]);

interface EntryHeader {
  path: string;
  type: string;
  size: number;
}

/** Why an entry may not be extracted, or undefined when it may. */
function entryProblem(
  entry: EntryHeader,
  limits: BundleLimits,
): string | undefined {
  const name = entry.path;
  if (name.includes('\0')) {
    return `the entry ${JSON.stringify(name)} has a NUL byte in its path`;
  }
  if (
    path.posix.isAbsolute(name) ||
    /^[A-Za-z]:[\\/]/.test(name) ||
    name.startsWith('\\')
  ) {
    return `the entry ${name} has an absolute path`;
  }
  if (name.split(/[\\/]/).includes('..')) {
    return `the entry ${name} has a path that leaves the bundle ("..")`;
  }
  if (entry.type === 'Directory') return undefined;
  if (!FILE_TYPES.has(entry.type)) {
    const kind =
      entry.type === 'SymbolicLink' || entry.type === 'Link'
        ? 'a link'
        : `not a regular file (${entry.type})`;
    return `the entry ${name} is ${kind}`;
  }
  if (entry.size > limits.maxFileBytes) {
    return `the file ${name} is ${entry.size} bytes, more than the ${limits.maxFileBytes} bytes allowed per file`;
  }
  return undefined;
}

/** Reads the entries' headers and refuses the bundle at the first problem. */
async function inspectBundle(
  file: string,
  limits: BundleLimits,
): Promise<void> {
  let files = 0;
  let problem: string | undefined;
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: entry => {
        if (problem || METADATA_TYPES.has(entry.type)) return;
        problem = entryProblem(entry, limits);
        if (
          !problem &&
          entry.type !== 'Directory' &&
          ++files > limits.maxFiles
        ) {
          problem = `the bundle has more than ${limits.maxFiles} files`;
        }
      },
    });
  } catch (error) {
    throw new BundleRejectedError(
      `the template bundle is not a valid .tar.gz archive (${
        (error as { code?: string }).code ?? 'unreadable'
      })`,
    );
  }
  if (problem) throw new BundleRejectedError(problem);
}

/**
 * Extracts a template bundle (.tar.gz) into `destination`, which must not exist yet, refusing
 * anything that could escape or overload it: absolute paths, `..`, links, devices, FIFOs, files over
 * the per-file limit, more files than allowed, archives over the size limit. Nothing is written
 * unless the whole archive passes; a refused bundle leaves no directory behind.
 *
 * @throws BundleRejectedError saying why the bundle was refused
 */
export async function extractBundle(
  file: string,
  destination: string,
  limits: BundleLimits = PROTON_BUNDLE_LIMITS,
): Promise<void> {
  const stat = await fs.promises.stat(file);
  if (stat.size > limits.maxBundleBytes) {
    throw new BundleRejectedError(
      `the template bundle is ${stat.size} bytes, more than the ${limits.maxBundleBytes} bytes allowed`,
    );
  }
  await inspectBundle(file, limits);
  await fs.promises.mkdir(destination, { recursive: false });
  try {
    let problem: string | undefined;
    await tar.x({
      file,
      cwd: destination,
      strict: true,
      preserveOwner: false,
      // Checked again while extracting, in case the archive changed since it was inspected.
      filter: (entryPath, entry) => {
        const header = entry as unknown as EntryHeader;
        const found = METADATA_TYPES.has(header.type)
          ? undefined
          : entryProblem({ ...header, path: entryPath }, limits);
        problem = problem ?? found;
        return !found;
      },
    });
    if (problem) throw new BundleRejectedError(problem);
  } catch (error) {
    await fs.promises.rm(destination, { recursive: true, force: true });
    if (error instanceof BundleRejectedError) throw error;
    throw new BundleRejectedError(
      `the template bundle could not be extracted (${
        (error as { code?: string }).code ?? 'unreadable archive'
      })`,
    );
  }
}
