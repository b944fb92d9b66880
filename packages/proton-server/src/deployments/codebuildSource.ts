import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { DeploymentJob } from './deploymentRunner';

/** A file of a build's source: its path in the archive, content and unix mode. */
export interface SourceFile {
  name: string;
  content: Buffer;
  mode: number;
}

/**
 * The files of a deployment's working directory, as the `local` runner lays it out: the
 * infrastructure folder's files and `proton-inputs.json`. Links and special files are skipped
 * (registration refuses them anyway).
 */
export async function workingDirectoryFiles(
  job: Pick<
    DeploymentJob,
    'templateDirectory' | 'infrastructureFolder' | 'protonInputs'
  >,
): Promise<SourceFile[]> {
  const root = path.join(job.templateDirectory, job.infrastructureFolder);
  const files: SourceFile[] = [];
  const visit = async (directory: string, prefix: string) => {
    const entries = await fs.promises.readdir(directory, {
      withFileTypes: true,
    });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        await visit(full, `${name}/`);
      } else if (entry.isFile() && name !== 'proton-inputs.json') {
        const stat = await fs.promises.stat(full);
        files.push({
          name,
          content: await fs.promises.readFile(full),
          mode: stat.mode & 0o777,
        });
      }
    }
  };
  await visit(root, '');
  files.push({
    name: 'proton-inputs.json',
    content: Buffer.from(JSON.stringify(job.protonInputs, null, 2)),
    mode: 0o644,
  });
  return files;
}

/** DOS time and date of 1980-01-01 00:00, so that an archive depends only on its files. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * A zip archive (deflate) of `files`, the source format CodeBuild accepts from S3. Unix modes are
 * kept in the external attributes, so executable scripts stay executable.
 */
export function zipArchive(files: SourceFile[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const data = zlib.deflateRawSync(file.content);
    const crc = zlib.crc32(file.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.content.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_TIME, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(file.content.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(((0o100000 | file.mode) << 16) >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
