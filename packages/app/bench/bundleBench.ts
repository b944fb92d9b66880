/*
 * What the frontend plugin @proton-platform/plugin-aws-proton adds to the app's bundle: the app is
 * built for production twice (`backstage-cli package build`, minified), once as it is and once with
 * the plugin excluded from feature discovery (`app.packages.exclude`), and the JavaScript and CSS in
 * dist/static are summed, raw and gzipped (zlib level 6, as web servers commonly serve them).
 *
 *   yarn workspace app bench
 *
 * It checks that the build without the plugin really lacks it (no "AWS Proton service" in its
 * JavaScript) and leaves dist/ as the build with the plugin.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const appDir = path.resolve(__dirname, '..');
const staticDir = path.join(appDir, 'dist', 'static');
const PLUGIN = '@proton-platform/plugin-aws-proton';
const MARKER = 'AWS Proton service';

interface Sizes {
  files: number;
  rawKiB: number;
  gzipKiB: number;
  hasPlugin: boolean;
}

function build(extraConfig?: string): Sizes {
  const args = [
    require.resolve('@backstage/cli/bin/backstage-cli'),
    'package',
    'build',
    '--config',
    '../../app-config.yaml',
  ];
  if (extraConfig) args.push('--config', extraConfig);
  const result = spawnSync(process.execPath, args, {
    cwd: appDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`backstage-cli package build failed (${result.status})`);
  }
  let raw = 0;
  let gzip = 0;
  let files = 0;
  let hasPlugin = false;
  for (const file of fs.readdirSync(staticDir)) {
    if (!/\.(js|css)$/.test(file)) continue;
    const content = fs.readFileSync(path.join(staticDir, file));
    files += 1;
    raw += content.length;
    gzip += zlib.gzipSync(content, { level: 6 }).length;
    if (file.endsWith('.js') && content.includes(MARKER)) hasPlugin = true;
  }
  return { files, rawKiB: raw / 1024, gzipKiB: gzip / 1024, hasPlugin };
}

function main() {
  const exclude = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-bench-')),
    'app-config.without-proton.yaml',
  );
  fs.writeFileSync(
    exclude,
    `app:\n  packages:\n    exclude:\n      - '${PLUGIN}'\n`,
  );
  process.stdout.write('building the app without the plugin…\n');
  const without = build(exclude);
  process.stdout.write('building the app with the plugin…\n');
  const withPlugin = build();
  fs.rmSync(path.dirname(exclude), { recursive: true, force: true });
  if (without.hasPlugin || !withPlugin.hasPlugin) {
    throw new Error(
      `the builds did not differ by the plugin (with: ${withPlugin.hasPlugin}, without: ${without.hasPlugin})`,
    );
  }
  const row = (name: string, s: Sizes) =>
    `  ${name}: ${s.files} files, ${s.rawKiB.toFixed(
      0,
    )} KiB minified, ${s.gzipKiB.toFixed(0)} KiB gzipped\n`;
  process.stdout.write(row('with the plugin', withPlugin));
  process.stdout.write(row('without it', without));
  process.stdout.write(
    `the plugin adds ${(withPlugin.rawKiB - without.rawKiB).toFixed(
      1,
    )} KiB minified and ${(withPlugin.gzipKiB - without.gzipKiB).toFixed(
      1,
    )} KiB gzipped (ratio ${(withPlugin.gzipKiB / without.gzipKiB).toFixed(
      3,
    )})\n`,
  );
}

main();
