import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header, Pax } from 'tar';
import { compareCodeUnits, listBundleContents } from './bundleFiles';

/**
 * The modification time recorded for every entry: 1980-01-01T00:00:00Z, the usual
 * `SOURCE_DATE_EPOCH` of reproducible builds (some tools mishandle 1970).
 *
 * @public
 */
export const BUNDLE_ENTRY_MTIME = new Date(Date.UTC(1980, 0, 1));

/**
 * A packaged template bundle.
 *
 * @public
 */
export interface BundleArchive {
  /** The `.tar.gz` bytes. */
  content: Buffer;
  /** Hex SHA-256 of `content`. */
  sha256: string;
  /** Paths of the packaged files, relative to the bundle, sorted. */
  files: string[];
}

/**
 * Options of {@link packageBundle}.
 *
 * @public
 */
export interface PackageBundleOptions {
  /**
   * The single top-level folder of the archive, as in Proton's documented
   * `tar -czf bundle.tar.gz <folder>/`; defaults to the bundle folder's name. Empty puts the
   * template at the archive root.
   */
  rootFolder?: string;
}

const BLOCK = 512;

function header(
  entryPath: string,
  type: 'File' | 'Directory',
  mode: number,
  size: number,
): Buffer[] {
  const data = {
    path: entryPath,
    type,
    mode,
    size,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: BUNDLE_ENTRY_MTIME,
  } as const;
  const block = Buffer.alloc(BLOCK);
  const needsPax = new Header(data).encode(block, 0);
  if (!needsPax) return [block];
  // Paths longer than ustar allows: a PAX extended header carries the full path.
  const pax = new Pax({ path: entryPath, mtime: BUNDLE_ENTRY_MTIME }).encode();
  return [pax, block];
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/**
 * Gzips without a timestamp or file name and with a fixed OS byte, so that the same tar bytes always
 * give the same `.tar.gz` bytes with a given zlib.
 */
function deterministicGzip(tarBytes: Buffer): Buffer {
  const gzipped = zlib.gzipSync(tarBytes, { level: 9 });
  // RFC 1952: bytes 4-7 are MTIME (Node writes 0), byte 9 is OS; 3 (Unix) on every platform.
  gzipped.writeUInt32LE(0, 4);
  gzipped[9] = 3;
  return gzipped;
}

/**
 * Packages a template bundle as a deterministic `.tar.gz`: the files {@link listBundleContents}
 * keeps (no `node_modules`, nothing `.gitignore`/`.protonignore` excludes), sorted, each folder
 * before its contents, with mtime {@link BUNDLE_ENTRY_MTIME}, uid/gid 0, no user or group names,
 * mode 0755 for folders and executable files and 0644 for other files, then gzip without timestamp.
 * The same files give the same bytes, whatever their times, owners or permissions on disk.
 *
 * It does not validate the bundle: see `validateBundle`.
 *
 * @public
 */
export async function packageBundle(
  bundleDir: string,
  options: PackageBundleOptions = {},
): Promise<BundleArchive> {
  const contents = await listBundleContents(bundleDir);
  const rootFolder = (
    options.rootFolder ?? path.basename(path.resolve(bundleDir))
  ).replace(/\/+$/, '');
  const prefix = rootFolder ? `${rootFolder}/` : '';
  const entries: Array<{ name: string; file?: (typeof contents.files)[0] }> = [
    ...(prefix ? [{ name: prefix }] : []),
    ...contents.folders.map(folder => ({ name: prefix + folder })),
    ...contents.files.map(file => ({ name: prefix + file.path, file })),
  ];
  entries.sort((a, b) => compareCodeUnits(a.name, b.name));

  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (!entry.file) {
      blocks.push(...header(entry.name, 'Directory', 0o755, 0));
      continue;
    }
    const bytes = await fs.readFile(entry.file.absolutePath);
    blocks.push(
      ...header(
        entry.name,
        'File',
        entry.file.executable ? 0o755 : 0o644,
        bytes.length,
      ),
      bytes,
      padding(bytes.length),
    );
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  const content = deterministicGzip(Buffer.concat(blocks));
  return {
    content,
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
    files: contents.files.map(file => file.path),
  };
}
