import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tar from 'tar';

export const ENVIRONMENT_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "EnvironmentInput"
  types:
    EnvironmentInput:
      type: object
      properties:
        vpc_cidr:
          type: string
          default: "10.0.0.0/16"
`;

export function serviceSchema(extraRequired?: string): string {
  return `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "ServiceInput"
  types:
    ServiceInput:
      type: object
      properties:
        port:
          type: number
          default: 80
${
  extraRequired ? `        ${extraRequired}:\n          type: string\n` : ''
}      required:
        - port
${extraRequired ? `        - ${extraRequired}\n` : ''}`;
}

const MANIFEST = `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:4.0
        runtimes:
          nodejs: 18
        provision:
          - echo provision
        deprovision:
          - echo deprovision
`;

export function environmentBundleFiles(): Record<string, string> {
  return {
    'schema/schema.yaml': ENVIRONMENT_SCHEMA,
    'infrastructure/manifest.yaml': MANIFEST,
    'infrastructure/index.ts': 'export const vpcId = "vpc-1";\n',
  };
}

export function serviceBundleFiles(
  schema = serviceSchema(),
): Record<string, string> {
  return {
    'schema/schema.yaml': schema,
    'instance_infrastructure/manifest.yaml': MANIFEST,
    'instance_infrastructure/index.ts':
      'export const url = "http://example";\n',
  };
}

/**
 * Writes a .tar.gz bundle at `<bundles>/<bucket>/<key>` holding `files` under `folder` (or at the
 * root when folder is empty), made by the `tar` package like a publisher would.
 */
export async function writeBundle(
  bundlesDirectory: string,
  bucket: string,
  key: string,
  files: Record<string, string>,
  folder = 'template',
): Promise<{ bucket: string; key: string }> {
  const staging = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'bundle-src-'),
  );
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(staging, folder, name);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, content);
  }
  const target = path.join(bundlesDirectory, bucket, key);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await tar.c({ gzip: true, file: target, cwd: path.join(staging, folder) }, [
    '.',
  ]);
  await fs.promises.rm(staging, { recursive: true, force: true });
  return { bucket, key };
}

export interface RawTarEntry {
  name: string;
  /** ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory. */
  type: string;
  content?: string | Buffer;
  linkName?: string;
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** Builds a .tar.gz by hand, header by header, so that it can hold what no well-behaved tool writes. */
export function rawTarGz(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content ?? '');
    const header = Buffer.alloc(512, 0);
    header.write(entry.name, 0, 100, 'utf8');
    header.write(octal(entry.type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(
      octal(entry.type === '0' ? content.length : 0, 12),
      124,
      'ascii',
    );
    header.write(octal(0, 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write(entry.type, 156, 'ascii');
    header.write(entry.linkName ?? '', 157, 100, 'utf8');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header);
    if (entry.type === '0' && content.length > 0) {
      blocks.push(
        content,
        Buffer.alloc((512 - (content.length % 512)) % 512, 0),
      );
    }
  }
  blocks.push(Buffer.alloc(1024, 0));
  return zlib.gzipSync(Buffer.concat(blocks));
}

/** Writes raw bytes as the bundle `<bundles>/<bucket>/<key>`. */
export async function writeRawBundle(
  bundlesDirectory: string,
  bucket: string,
  key: string,
  content: Buffer,
): Promise<{ bucket: string; key: string }> {
  const target = path.join(bundlesDirectory, bucket, key);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.writeFile(target, content);
  return { bucket, key };
}
