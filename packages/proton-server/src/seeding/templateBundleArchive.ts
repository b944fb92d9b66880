import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';

/**
 * Writes a template bundle as the `.tar.gz` a publisher uploads, at `<bundlesDirectory>/<bucket>/<key>`,
 * where the control plane resolves `{s3: {bucket, key}}` sources. `files` maps paths inside the bundle
 * (`schema/schema.yaml`, `infrastructure/manifest.yaml`, ...) to their content; `sourceDirectory`
 * instead packs a bundle folder as it is, without `node_modules`.
 *
 * @public
 */
export async function writeTemplateBundle(
  bundlesDirectory: string,
  source: { bucket: string; key: string },
  content: { files: Record<string, string> } | { sourceDirectory: string },
): Promise<{ bucket: string; key: string }> {
  const target = path.join(bundlesDirectory, source.bucket, source.key);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  if ('sourceDirectory' in content) {
    await tar.c(
      {
        gzip: true,
        file: target,
        cwd: content.sourceDirectory,
        portable: true,
        filter: entry => !entry.split(/[\\/]/).includes('node_modules'),
      },
      ['.'],
    );
    return source;
  }
  const staging = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-bundle-'),
  );
  try {
    for (const [name, text] of Object.entries(content.files)) {
      const file = path.join(staging, name);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, text);
    }
    await tar.c({ gzip: true, file: target, cwd: staging, portable: true }, [
      '.',
    ]);
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
  return source;
}
