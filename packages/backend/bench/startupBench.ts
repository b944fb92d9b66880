/*
 * What the Proton plugins add to the backend's start-up: the time from spawning the process until
 * its readiness endpoint answers, and its resident memory (RSS) once it has settled, for the backend
 * of src/index.ts (all Proton plugins) against bench/backendWithoutProton.ts (none), started
 * alternately, each `--runs` times (3 by default); it prints the medians and their ratio.
 *
 *   yarn workspace backend bench [--runs 5] [--settle-seconds 5]
 *
 * Both start as `npm start` runs the backend (from source, with the Backstage CLI's transform) with
 * app-config.yaml and app-config.development.yaml, without the demo's seed, on an in-memory SQLite
 * database. Nothing but the process's own memory is counted; the figures vary with the machine's load.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const backendDir = path.resolve(__dirname, '..');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'settle-seconds': { type: 'string', default: '5' },
  },
});
const RUNS = Number(values.runs);
const SETTLE_MS = Number(values['settle-seconds']) * 1000;

interface Variant {
  name: string;
  entry: string;
}
const VARIANTS: Variant[] = [
  { name: 'with the Proton plugins', entry: 'src/index.ts' },
  { name: 'without them', entry: 'bench/backendWithoutProton.ts' },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The resident set size of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kib / 1024;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startOnce(variant: Variant) {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const started = performance.now();
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      variant.entry,
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../app-config.development.yaml',
    ],
    {
      cwd: backendDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        APP_CONFIG_backend_baseUrl: baseUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_awsProton_endpoint: `${baseUrl}/api/proton-server`,
        APP_CONFIG_protonDemo_seed: 'false',
      },
    },
  );
  child.stdout!.on('data', chunk => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr!.on('data', chunk => {
    output = (output + chunk).slice(-4000);
  });
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `the backend ${variant.name} exited with ${child.exitCode}:\n${output}`,
        );
      }
      try {
        const response = await fetch(
          `${baseUrl}/.backstage/health/v1/readiness`,
        );
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 300_000) {
        throw new Error(`the backend ${variant.name} was not ready in 300 s`);
      }
      await sleep(50);
    }
    const readyMs = performance.now() - started;
    const readyRss = rssMiB(child.pid!);
    await sleep(SETTLE_MS);
    return { readyMs, readyRss, settledRss: rssMiB(child.pid!) };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const results = new Map(
    VARIANTS.map(v => [
      v.name,
      [] as Array<Awaited<ReturnType<typeof startOnce>>>,
    ]),
  );
  // one warm-up start of each, not counted: the first start fills the file system cache
  for (const variant of VARIANTS) await startOnce(variant);
  for (let run = 1; run <= RUNS; run++) {
    for (const variant of VARIANTS) {
      const result = await startOnce(variant);
      results.get(variant.name)!.push(result);
      process.stdout.write(
        `run ${run} ${variant.name}: ready after ${(
          result.readyMs / 1000
        ).toFixed(2)} s, RSS ${result.readyRss.toFixed(
          0,
        )} MiB when ready, ${result.settledRss.toFixed(0)} MiB ${
          SETTLE_MS / 1000
        } s later\n`,
      );
    }
  }
  const summary = VARIANTS.map(v => {
    const rs = results.get(v.name)!;
    return {
      name: v.name,
      readyS: median(rs.map(r => r.readyMs)) / 1000,
      rss: median(rs.map(r => r.settledRss)),
    };
  });
  const [withProton, without] = summary;
  process.stdout.write(`\nmedians of ${RUNS} runs:\n`);
  for (const s of summary) {
    process.stdout.write(
      `  ${s.name}: start-up ${s.readyS.toFixed(2)} s, RSS ${s.rss.toFixed(
        0,
      )} MiB\n`,
    );
  }
  process.stdout.write(
    `the Proton plugins add ${(withProton.readyS - without.readyS).toFixed(
      2,
    )} s to the start-up (ratio ${(withProton.readyS / without.readyS).toFixed(
      2,
    )}) and ${(withProton.rss - without.rss).toFixed(0)} MiB of RSS (ratio ${(
      withProton.rss / without.rss
    ).toFixed(2)})\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
