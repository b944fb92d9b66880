#!/usr/bin/env node
/*
 * The two commands of the README: `npm start` / `npm test` (or `yarn start` / `yarn test`).
 *
 * This file runs on any Node >= 18 with no dependencies, because on a fresh machine it is the first
 * thing that runs. It makes sure the toolchain is there (Node 22/24 and the committed Yarn release),
 * installs the workspace when its inputs changed, and then runs the requested command with that
 * toolchain. Every step that is already done is skipped on the next run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolchainDir = path.join(root, '.toolchain');
const NODE_PACKAGE = 'node@24';
const CHROMIUM = '/usr/bin/chromium';

function log(message) {
  process.stdout.write(`\n[project] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[project] ${message}\n`);
  process.exit(1);
}

function nodeMajor(version) {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** Where a Node binary's C headers are (for node-gyp's --nodedir), if it ships them. */
function headersOf(bin) {
  const fetched = path.join(
    toolchainDir,
    'node_modules',
    'node',
    'bin',
    'node',
  );
  const candidates = [
    // the npm package node@24 keeps them in its platform package
    ...(path.resolve(bin) === fetched
      ? [
          path.join(
            toolchainDir,
            'node_modules',
            'node',
            'node_modules',
            `node-${process.platform}-${process.arch}`,
          ),
        ]
      : []),
    // an official Node.js installation keeps them under its prefix
    path.resolve(path.dirname(fs.realpathSync(bin)), '..'),
  ];
  return candidates.find(dir =>
    fs.existsSync(path.join(dir, 'include', 'node', 'node.h')),
  );
}

/** Finds a Node 22 or 24: this process's own, or one fetched from the npm registry into .toolchain. */
function resolveNode() {
  if ([22, 24].includes(nodeMajor(process.version))) {
    return { bin: process.execPath, headers: headersOf(process.execPath) };
  }
  const fetched = path.join(
    toolchainDir,
    'node_modules',
    'node',
    'bin',
    'node',
  );
  if (!fs.existsSync(fetched)) {
    log(
      `Node ${process.version} is too old for Backstage; fetching ${NODE_PACKAGE} from the npm registry into .toolchain/`,
    );
    fs.mkdirSync(toolchainDir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        toolchainDir,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        NODE_PACKAGE,
      ],
      { stdio: 'inherit' },
    );
    if (result.status !== 0 || !fs.existsSync(fetched)) {
      fail(
        `Could not fetch ${NODE_PACKAGE} with npm. Install Node 22 or 24 yourself and run this command again.`,
      );
    }
  }
  return { bin: fetched, headers: headersOf(fetched) };
}

function yarnRelease() {
  const rc = fs.readFileSync(path.join(root, '.yarnrc.yml'), 'utf8');
  const match = rc.match(/^yarnPath:\s*(.+)$/m);
  if (!match) fail('.yarnrc.yml has no yarnPath');
  return path.join(root, match[1].trim());
}

const node = resolveNode();
const yarn = yarnRelease();

/** The environment every child gets: our Node first on PATH, native addons built against its headers. */
const env = {
  ...process.env,
  PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}`,
  // Where the fetched Node ships its headers, node-gyp builds against them instead of downloading them.
  ...(node.headers ? { npm_config_nodedir: node.headers } : {}),
  // Playwright must use Debian's Chromium and never download a browser of its own.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
};

function run(args, options = {}) {
  const [command, commandArgs] = options.command
    ? [options.command, args]
    : [node.bin, [yarn, ...args]];
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...options.env },
  });
  return result.status ?? 1;
}

function runOrFail(args, what) {
  const status = run(args);
  if (status !== 0) fail(`${what} failed (exit ${status})`);
}

/** A fingerprint of everything that decides what `yarn install` produces. */
function installFingerprint() {
  const hash = createHash('sha256');
  hash.update(spawnSync(node.bin, ['-v'], { encoding: 'utf8' }).stdout);
  const manifests = ['package.json', 'yarn.lock', '.yarnrc.yml'];
  for (const dir of ['packages', 'plugins']) {
    const base = path.join(root, dir);
    if (!fs.existsSync(base)) continue;
    for (const name of fs.readdirSync(base).sort()) {
      const manifest = path.join(dir, name, 'package.json');
      if (fs.existsSync(path.join(root, manifest))) manifests.push(manifest);
    }
  }
  for (const file of manifests) {
    hash.update(file);
    if (fs.existsSync(path.join(root, file))) {
      hash.update(fs.readFileSync(path.join(root, file)));
    }
  }
  return hash.digest('hex');
}

function ensureInstalled() {
  const stamp = path.join(root, 'node_modules', '.project-install-stamp');
  const fingerprint = installFingerprint();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) {
    return;
  }
  log('Installing dependencies (yarn install)');
  const started = Date.now();
  const args = ['install'];
  if (process.env.CI) args.push('--immutable');
  runOrFail(args, 'yarn install');
  log(`Installed in ${Math.round((Date.now() - started) / 1000)} s`);
  fs.writeFileSync(stamp, installFingerprint());
}

/** The template bundles' npm projects: folders under templates/proton with a package-lock.json. */
function templateBundleProjects(
  dir = path.join(root, 'templates', 'proton'),
  depth = 0,
) {
  if (depth > 4 || !fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const here = entries.some(e => e.name === 'package-lock.json') ? [dir] : [];
  return here.concat(
    entries
      .filter(e => e.isDirectory() && e.name !== 'node_modules')
      .flatMap(e => templateBundleProjects(path.join(dir, e.name), depth + 1)),
  );
}

/**
 * Installs each template bundle's dependencies from its lockfile when they changed: the embedded control
 * plane's `simulate` runner runs the bundles' Pulumi programs with them.
 */
function ensureTemplateBundlesInstalled() {
  for (const project of templateBundleProjects()) {
    const lock = fs.readFileSync(path.join(project, 'package-lock.json'));
    const stamp = path.join(project, 'node_modules', '.project-install-stamp');
    const fingerprint = createHash('sha256').update(lock).digest('hex');
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint)
      continue;
    log(
      `Installing the template bundle ${path.relative(root, project)} (npm ci)`,
    );
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      ['ci', '--ignore-scripts', '--no-audit', '--no-fund'],
      {
        cwd: project,
        stdio: 'inherit',
        env,
      },
    );
    if (result.status !== 0)
      fail(`npm ci in ${path.relative(root, project)} failed`);
    fs.writeFileSync(stamp, fingerprint);
  }
}

function hasCommand(command) {
  return (
    spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
      .status === 0
  );
}

/**
 * Installs Debian packages the tests need where they are missing: Chromium for the browser tests, jq for
 * the template bundles' provisioning script. As root with apt-get it installs them; otherwise it says what
 * to install.
 */
function ensureSystemPackages() {
  const missing = [
    !fs.existsSync(CHROMIUM) && {
      name: 'chromium',
      why: `the browser tests (${CHROMIUM})`,
    },
    !hasCommand('jq') && {
      name: 'jq',
      why: "the template bundles' provisioning tests",
    },
  ].filter(Boolean);
  if (missing.length === 0) return;
  const names = missing.map(m => m.name);
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    fail(
      `The tests need ${missing
        .map(m => `${m.name} for ${m.why}`)
        .join(' and ')}. ` +
        `Install them (Debian/Ubuntu: sudo apt-get install ${names.join(
          ' ',
        )}) and run again.`,
    );
  }
  log(`Installing ${names.join(' and ')} from Debian packages`);
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', ...names],
  ]) {
    const result = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) fail(`apt-get ${args.join(' ')} failed`);
  }
}

/**
 * The first port of the range the kernel hands out as source ports of outgoing connections (Linux:
 * net.ipv4.ip_local_port_range; 32768 elsewhere, the Linux default).
 */
function ephemeralPortsStart() {
  try {
    const [low] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && low > 11000) return low;
  } catch {
    // not Linux: the default below
  }
  return 32768;
}

/** Resolves true when nothing listens on `port` (any address, IPv4 and IPv6). */
function canListen(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the ephemeral range. A port the kernel handed out by listen(0) comes from that
 * range, and by the time the dev server binds it (minutes later) the backend's own loopback
 * connections may hold it as a source port: EADDRINUSE. Ports already given out are not repeated.
 */
const givenPorts = new Set();
async function freePort() {
  const high = ephemeralPortsStart();
  const low = 10000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (givenPorts.has(port)) continue;
    if (await canListen(port)) {
      givenPorts.add(port);
      return port;
    }
  }
  throw new Error(`No free port between ${low} and ${high} after 200 tries`);
}

/** The environment of the browser tests: free ports for the app and the backend they start. */
async function browserTestEnv() {
  return {
    CI: 'true',
    E2E_APP_PORT: String(await freePort()),
    E2E_BACKEND_PORT: String(await freePort()),
    E2E_READONLY_APP_PORT: String(await freePort()),
    E2E_READONLY_BACKEND_PORT: String(await freePort()),
  };
}

/** Regenerates the README's screenshots in docs/images from the browser tests of the demo. */
async function screenshots() {
  ensureSystemPackages();
  const status = run(['playwright', 'test', 'create.test.ts', 'demo.test.ts'], {
    env: { ...(await browserTestEnv()), DOCS_SCREENSHOTS: '1' },
  });
  process.exit(status);
}

async function test() {
  ensureSystemPackages();
  const steps = [
    ['type check', ['tsc']],
    // A public API change is deliberate: it comes with its regenerated report.api.md
    // (yarn build:api-reports), which this step compares against. --tsc: declarations from a fresh,
    // non-incremental compile, so that the reports do not depend on what an incremental build did
    // before (TypeScript prints inferred unions in the order it created their members).
    ['API reports', ['build:api-reports:only', '--tsc', '--ci']],
    ['lint', ['backstage-cli', 'repo', 'lint']],
    [
      'unit and integration tests',
      ['backstage-cli', 'repo', 'test'],
      { CI: 'true' },
    ],
    [
      'template bundles (Pulumi mock tests)',
      ['templates/proton/test-all.sh'],
      {},
      'bash',
    ],
    [
      'browser end-to-end tests',
      ['playwright', 'test'],
      await browserTestEnv(),
    ],
  ];
  const results = [];
  for (const [name, args, stepEnv, command] of steps) {
    log(`Step: ${name} (${command ?? 'yarn'} ${args.join(' ')})`);
    const started = Date.now();
    const status = run(args, { env: stepEnv, command });
    const seconds = Math.round((Date.now() - started) / 1000);
    results.push({ name, status, seconds });
    if (status !== 0) break;
  }
  log('Summary:');
  for (const { name, status, seconds } of results) {
    process.stdout.write(
      `  ${status === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)\n`,
    );
  }
  const failed = results.filter(r => r.status !== 0).length;
  const skipped = steps.length - results.length;
  process.stdout.write(
    `steps: ${results.length - failed} passed, ${failed} failed${
      skipped ? `, ${skipped} skipped` : ''
    }\n`,
  );
  process.exit(failed ? 1 : 0);
}

function start() {
  ensureTemplateBundlesInstalled();
  log(
    'Starting Backstage: frontend on http://localhost:3000, backend on http://localhost:7007',
  );
  // BACKSTAGE_ENV=development: Backstage loads app-config.development.yaml after app-config.yaml
  // (the development key pair, the simulate runner and the demo's seed).
  const child = spawn(node.bin, [yarn, 'backstage-cli', 'repo', 'start'], {
    cwd: root,
    stdio: 'inherit',
    env: { BACKSTAGE_ENV: 'development', ...env },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', code => process.exit(code ?? 0));
}

/** Packs the publishable packages and installs them into a scratch app (scripts/scratch-app.mjs). */
function scratchApp() {
  ensureSystemPackages();
  const status = run(
    [path.join(root, 'scripts', 'scratch-app.mjs'), ...process.argv.slice(3)],
    { command: node.bin },
  );
  process.exit(status);
}

const COMMANDS = ['start', 'test', 'install', 'screenshots', 'scratch-app'];
const command = process.argv[2];
if (!COMMANDS.includes(command)) {
  fail(`usage: node scripts/project.mjs <${COMMANDS.join('|')}>`);
}
ensureInstalled();
if (command === 'start') start();
if (command === 'test') await test();
if (command === 'screenshots') await screenshots();
if (command === 'scratch-app') scratchApp();
