/*
 * `yarn scratch-app` (through scripts/project.mjs, which provides the toolchain): installs the
 * packages the way a Backstage team would, from their npm tarballs, and proves that they work there.
 *
 * 1. builds every publishable workspace (`backstage-cli package build`, after `yarn tsc`) and packs it
 *    with `yarn pack`, which runs `backstage-cli package prepack` (exports and main pointing at dist);
 * 2. makes a scratch Backstage app outside this repository from this repository's app and backend
 *    (sources, configuration, lockfile), with every @proton-platform dependency replaced by its
 *    tarball, and installs it;
 * 3. checks the demo's service template with the `proton-templates` CLI from its tarball;
 * 4. builds the app and the backend there (`backstage-cli package build`), and lays the backend's
 *    bundle out as Backstage's Dockerfile does (skeleton, production dependencies, bundle);
 * 5. starts that backend (serving the built app) with the demo's settings, signs in as the guest in
 *    Chromium and waits until the Proton card of the seeded service shows its instances.
 *
 * It prints what it measured and leaves the app in the scratch directory (default: the system's temp
 * directory; `--dir <path>` to choose). It is not part of `npm test`: it takes several minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    dir: {
      type: 'string',
      default: path.join(os.tmpdir(), 'proton-platform-scratch-app'),
    },
  },
});
const scratch = path.resolve(options.dir);
const tarballs = path.join(scratch, 'tarballs');
const deployDir = path.join(scratch, 'deploy');
const yarnPath = path.join(root, '.yarn', 'releases');
const yarnRelease = path.join(
  yarnPath,
  fs.readdirSync(yarnPath).find(f => f.endsWith('.cjs')),
);

function log(message) {
  process.stdout.write(`\n[scratch-app] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[scratch-app] ${message}\n`);
  process.exit(1);
}

/** Runs the committed Yarn in `cwd`; exits with a message naming the step when it fails. */
function yarn(args, cwd, what) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [yarnRelease, ...args], {
    cwd,
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) fail(`${what} failed (exit ${result.status})`);
  return Math.round((Date.now() - started) / 100) / 10;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The workspaces meant for users: not private, with a publishConfig. */
function publishableWorkspaces() {
  return ['plugins', 'packages'].flatMap(base =>
    fs
      .readdirSync(path.join(root, base))
      .map(name => path.join(root, base, name))
      .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
      .map(dir => ({ dir, manifest: readJson(path.join(dir, 'package.json')) }))
      .filter(({ manifest }) => !manifest.private && manifest.publishConfig),
  );
}

function packPackages() {
  log(
    'Type-checking the repository (yarn tsc: the type declarations the builds roll up)',
  );
  yarn(['tsc'], root, 'yarn tsc');
  fs.mkdirSync(tarballs, { recursive: true });
  const packed = [];
  for (const { dir, manifest } of publishableWorkspaces()) {
    log(`Building and packing ${manifest.name}`);
    const buildSeconds = yarn(['build'], dir, `building ${manifest.name}`);
    const file = path.join(
      tarballs,
      `${manifest.name.replace(/^@/, '').replace('/', '-')}-${
        manifest.version
      }.tgz`,
    );
    yarn(['pack', '--out', file], dir, `packing ${manifest.name}`);
    packed.push({
      name: manifest.name,
      version: manifest.version,
      file,
      kib: Math.round(fs.statSync(file).size / 1024),
      buildSeconds,
    });
  }
  return packed;
}

/** Copies a folder without what a fresh checkout of an app would not have. */
function copyTree(from, to, skip) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: source => {
      const relative = path.relative(from, source);
      const parts = relative.split(path.sep);
      return !parts.some(
        part =>
          ['node_modules', 'dist', 'dist-types', 'e2e-tests'].includes(part) ||
          skip.test(part),
      );
    },
  });
}

function makeScratchApp(packed) {
  log(`Making the scratch app in ${scratch}`);
  for (const entry of fs.readdirSync(scratch)) {
    if (entry !== 'tarballs') {
      fs.rmSync(path.join(scratch, entry), { recursive: true, force: true });
    }
  }
  const tests = /(\.test\.tsx?$)|(^__testUtils__$)|(^setupTests\.ts$)/;
  copyTree(
    path.join(root, 'packages', 'app'),
    path.join(scratch, 'packages', 'app'),
    tests,
  );
  copyTree(
    path.join(root, 'packages', 'backend'),
    path.join(scratch, 'packages', 'backend'),
    tests,
  );
  for (const file of [
    'app-config.yaml',
    'app-config.development.yaml',
    'app-config.production.yaml',
    'backstage.json',
    'tsconfig.json',
    '.yarnrc.yml',
    'yarn.lock',
  ]) {
    fs.copyFileSync(path.join(root, file), path.join(scratch, file));
  }
  fs.cpSync(
    path.join(root, '.yarn', 'releases'),
    path.join(scratch, '.yarn', 'releases'),
    { recursive: true },
  );

  const tarballOf = Object.fromEntries(
    packed.map(p => [p.name, `file:${p.file}`]),
  );
  const rootManifest = readJson(path.join(root, 'package.json'));
  // as in an app made by @backstage/create-app; node-gyp 10 builds native addons against the
  // headers of the Node that scripts/project.mjs fetched (npm_config_nodedir)
  const toolDependencies = [
    '@backstage/cli',
    '@backstage/cli-defaults',
    'node-gyp',
    'typescript',
  ];
  writeJson(path.join(scratch, 'package.json'), {
    name: 'scratch-app',
    version: '1.0.0',
    private: true,
    engines: rootManifest.engines,
    workspaces: ['packages/*'],
    devDependencies: {
      ...Object.fromEntries(
        toolDependencies.map(name => [
          name,
          rootManifest.devDependencies[name],
        ]),
      ),
      // the platform team's CLI for template bundles
      '@proton-platform/proton-templates':
        tarballOf['@proton-platform/proton-templates'],
    },
    // Our packages depend on each other: every copy comes from its tarball
    resolutions: { ...rootManifest.resolutions, ...tarballOf },
  });
  for (const workspace of ['app', 'backend']) {
    const file = path.join(scratch, 'packages', workspace, 'package.json');
    const manifest = readJson(file);
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (manifest[field][name].startsWith('workspace:')) {
          if (!tarballOf[name]) fail(`${name} was not packed`);
          manifest[field][name] = tarballOf[name];
        }
      }
    }
    writeJson(file, manifest);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      fail(`the backend exited (code ${child.exitCode}) before it was ready`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  fail(`${url} did not answer within ${seconds} s`);
}

/**
 * Lays the built backend out as Backstage's Dockerfile does (host build): the skeleton, its production
 * dependencies (`yarn workspaces focus --all --production`), then the bundle and the configuration.
 */
function deployBackend() {
  fs.rmSync(deployDir, { recursive: true, force: true });
  fs.mkdirSync(deployDir, { recursive: true });
  for (const file of ['package.json', 'yarn.lock', '.yarnrc.yml']) {
    fs.copyFileSync(path.join(scratch, file), path.join(deployDir, file));
  }
  fs.cpSync(
    path.join(scratch, '.yarn', 'releases'),
    path.join(deployDir, '.yarn', 'releases'),
    { recursive: true },
  );
  const dist = path.join(scratch, 'packages', 'backend', 'dist');
  untar(path.join(dist, 'skeleton.tar.gz'), deployDir);
  const seconds = yarn(
    ['workspaces', 'focus', '--all', '--production'],
    deployDir,
    'installing the production dependencies of the built backend',
  );
  untar(path.join(dist, 'bundle.tar.gz'), deployDir);
  for (const file of fs.readdirSync(scratch)) {
    if (/^app-config.*\.yaml$/.test(file)) {
      fs.copyFileSync(path.join(scratch, file), path.join(deployDir, file));
    }
  }
  return seconds;
}

function untar(archive, into) {
  const result = spawnSync('tar', ['xzf', archive, '-C', into], {
    stdio: 'inherit',
  });
  if (result.status !== 0) fail(`could not unpack ${archive}`);
}

/** Starts the built backend, which serves the built app, and looks at the seeded service's Proton card. */
async function startAndLook() {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const logFile = path.join(scratch, 'backend.log');
  const out = fs.openSync(logFile, 'w');
  log(`Starting the built backend on ${baseUrl} (log: ${logFile})`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.development.yaml',
    ],
    {
      cwd: deployDir,
      stdio: ['ignore', out, out],
      detached: true,
      env: {
        ...process.env,
        // the demo's guest sign-in is for development only
        NODE_ENV: 'development',
        APP_CONFIG_app_baseUrl: baseUrl,
        APP_CONFIG_backend_baseUrl: baseUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_awsProton_endpoint: `${baseUrl}/api/proton-server`,
        APP_CONFIG_protonDemo_templatesDirectory: path.join(
          root,
          'templates',
          'proton',
        ),
      },
    },
  );
  const stop = () => {
    if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  process.on('exit', stop);
  try {
    await waitFor(`${baseUrl}/.backstage/health/v1/readiness`, child, 300);
    const readySeconds = Math.round((Date.now() - started) / 100) / 10;
    log(`Backend ready after ${readySeconds} s; opening the app in Chromium`);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    });
    try {
      const page = await browser.newPage({ baseURL: baseUrl });
      await page.goto('/');
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .getByRole('heading', { name: 'Proton Platform Catalog' })
        .waitFor({ timeout: 60_000 });
      const deadline = Date.now() + 300_000;
      let row;
      for (;;) {
        await page.goto('/catalog/default/component/hello-nginx');
        try {
          row = page
            .getByRole('grid', { name: 'Service instances' })
            .getByRole('row', { name: /^dev/ });
          await row.getByText('Succeeded').waitFor({ timeout: 10_000 });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      }
      const screenshot = path.join(scratch, 'proton-card.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      return {
        baseUrl,
        readySeconds,
        cardSeconds: Math.round((Date.now() - started) / 100) / 10,
        devRow: (await row.innerText()).replace(/\s+/g, ' ').trim(),
        screenshot,
      };
    } finally {
      await browser.close();
    }
  } finally {
    stop();
  }
}

const packed = packPackages();
makeScratchApp(packed);
log(
  'Installing the scratch app (yarn install), our packages from their tarballs',
);
const installSeconds = yarn(
  ['install'],
  scratch,
  'yarn install in the scratch app',
);
for (const { name } of packed) {
  const installed = path.join(scratch, 'node_modules', ...name.split('/'));
  if (!fs.existsSync(path.join(installed, 'dist'))) {
    fail(`${name} is not installed from its tarball in the scratch app`);
  }
}
log(
  'Validating the demo service template with the proton-templates CLI from its tarball',
);
yarn(
  [
    'proton-templates',
    'validate',
    path.join(root, 'templates', 'proton', 'service', 'fargate-service'),
  ],
  scratch,
  'proton-templates validate',
);
log('Building the app (backstage-cli package build)');
const appSeconds = yarn(
  ['build'],
  path.join(scratch, 'packages', 'app'),
  'building the app',
);
log('Building the backend (backstage-cli package build)');
const backendSeconds = yarn(
  ['build'],
  path.join(scratch, 'packages', 'backend'),
  'building the backend',
);
log('Laying out the built backend as a container image would hold it');
const deploySeconds = deployBackend();
const seen = await startAndLook();

log('Result');
process.stdout.write('packages packed:\n');
for (const p of packed) {
  process.stdout.write(
    `  ${p.name}@${p.version}  ${p.kib} KiB  (built in ${p.buildSeconds} s)\n`,
  );
}
process.stdout.write(
  [
    `scratch app: ${scratch}`,
    `installed from the tarballs in ${installSeconds} s`,
    `app built in ${appSeconds} s, backend built in ${backendSeconds} s`,
    `backend's production dependencies installed in ${deploySeconds} s (${deployDir})`,
    `started at ${seen.baseUrl}: ready after ${seen.readySeconds} s`,
    `Proton card of component:default/hello-nginx rendered after ${seen.cardSeconds} s: "${seen.devRow}"`,
    `screenshot: ${seen.screenshot}`,
    '',
  ].join('\n'),
);
process.exit(0);
