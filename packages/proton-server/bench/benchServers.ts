/**
 * The servers the benchmark measures, each in a process of its own (`run.js serve <kind>`) so that
 * the load generator does not share their event loop:
 * - `proton`: the control plane (in-memory SQLite, the `local` runner), `proton-uncached` the same
 *   without its read cache;
 * - `bare`: node:http that reads the body, does the same SigV4 verification and answers a fixed body.
 * Each prints `listening <port>` on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalRunner } from '../src/deployments/localRunner';
import { PROTON_SIGNING_NAME } from '../src/model/protonApiModel';
import { createProtonServer } from '../src/ProtonServer';
import { createCredentialResolver } from '../src/protocol/deploymentCredentials';
import { verifySigV4 } from '../src/protocol/sigv4Verification';

/** The credentials both servers accept and the load generator signs with. */
export const BENCH_CREDENTIALS = {
  accessKeyId: 'AKIDBENCH',
  secretAccessKey: 'bench-secret',
};

const FIXED_BODY = JSON.stringify({
  service: { name: 'bench', status: 'ACTIVE' },
});

async function startBare(): Promise<number> {
  const expectations = {
    resolveCredentials: createCredentialResolver([BENCH_CREDENTIALS]),
    region: 'us-east-1',
    service: PROTON_SIGNING_NAME,
    maxClockSkewMs: 15 * 60 * 1000,
    now: () => new Date(),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', chunk => chunks.push(chunk));
    request.on('end', () => {
      verifySigV4(
        {
          method: request.method ?? 'POST',
          url: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks),
        },
        expectations,
      ).then(
        () => {
          response.writeHead(200, {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(FIXED_BODY),
          });
          response.end(FIXED_BODY);
        },
        () => {
          response.writeHead(403);
          response.end();
        },
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts one server (`proton[-uncached] <bundles dir>` or `bare`) and prints its port. */
export async function serveForBench(args: string[]): Promise<void> {
  const [kind, bundlesDirectory] = args;
  let port: number;
  if (kind === 'bare') {
    port = await startBare();
  } else {
    const server = createProtonServer({
      credentials: BENCH_CREDENTIALS,
      bundlesDirectory,
      deploymentRunner: createLocalRunner({ concurrency: 8 }),
      readCache: kind !== 'proton-uncached',
      logger: { info: () => {}, warn: () => {}, error: console.error },
    });
    port = await server.start();
    process.once('SIGTERM', () => {
      server.stop().finally(() => process.exit(0));
    });
  }
  process.stdout.write(`listening ${port}\n`);
}
