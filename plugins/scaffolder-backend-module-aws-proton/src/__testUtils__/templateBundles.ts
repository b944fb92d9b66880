import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(512, 0);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(0, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let checksum = 0;
  for (const byte of block) checksum += byte;
  block.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** A .tar.gz (ustar) holding `files`, with their folders, as a template bundle publisher makes it. */
export function tarGz(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  const folders = new Set<string>();
  for (const name of Object.keys(files)) {
    const parts = name.split('/').slice(0, -1);
    parts.forEach((_, i) => folders.add(`${parts.slice(0, i + 1).join('/')}/`));
  }
  for (const folder of [...folders].sort()) {
    blocks.push(header(folder, 0, '5'));
  }
  for (const [name, text] of Object.entries(files)) {
    const content = Buffer.from(text);
    blocks.push(header(name, content.length, '0'), content);
    blocks.push(Buffer.alloc((512 - (content.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return zlib.gzipSync(Buffer.concat(blocks));
}

/** Writes a bundle where the control plane reads `{s3: {bucket, key}}`: `<bundles>/<bucket>/<key>`. */
export async function writeBundle(
  bundlesDirectory: string,
  bucket: string,
  key: string,
  files: Record<string, string>,
): Promise<{ bucket: string; key: string }> {
  const target = path.join(bundlesDirectory, bucket, key);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, tarGz(files));
  return { bucket, key };
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

/** The schema of the test service template `fargate-service`; 1.1 adds `healthCheckPath`. */
export function fargateServiceSchema(minor: 0 | 1): string {
  return `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "FargateServiceInstanceInputs"
  types:
    FargateServiceInstanceInputs:
      type: object
      description: "One Fargate service"
      required: ["path"]
      properties:
        image:
          type: string
          default: "public.ecr.aws/nginx/nginx:1.27"
        port:
          type: integer
          description: "The container port"
          default: 80
          minimum: 1
          maximum: 65535
        cpu:
          type: integer
          default: 256
          enum: [256, 512, 1024]
        desiredCount:
          type: integer
          default: 1
          minimum: 1
          maximum: 10
        path:
          type: string
          pattern: '^(/|(/[A-Za-z0-9._~-]+)+)$'
${
  minor === 1
    ? `        healthCheckPath:
          type: string
          default: "/"
`
    : ''
}`;
}

/** The schema of the test environment template `fargate-env`. */
export const FARGATE_ENV_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "FargateEnvironmentInputs"
  types:
    FargateEnvironmentInputs:
      type: object
      properties:
        vpcCidrBlock:
          type: string
          default: "10.0.0.0/16"
          pattern: "^[0-9./]+$"
        natGateways:
          type: string
          default: "Single"
          enum: ["None", "Single", "OnePerAz"]
`;

/** The files of a service template bundle. */
export function serviceBundle(schema: string): Record<string, string> {
  return {
    'schema/schema.yaml': schema,
    'instance_infrastructure/manifest.yaml': MANIFEST,
    'instance_infrastructure/index.ts':
      'export const url = "http://example";\n',
  };
}

/** The files of an environment template bundle. */
export function environmentBundle(schema: string): Record<string, string> {
  return {
    'schema/schema.yaml': schema,
    'infrastructure/manifest.yaml': MANIFEST,
    'infrastructure/index.ts': 'export const vpcId = "vpc-1";\n',
  };
}
