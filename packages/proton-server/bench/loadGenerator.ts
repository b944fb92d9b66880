/**
 * Sends pre-signed requests from worker threads (so that the load generator is not the bottleneck)
 * over keep-alive connections, a fixed number per client, and measures each one's latency.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** One request, signed once and sent many times (the server verifies it every time). */
export interface SignedBenchRequest {
  port: number;
  headers: Record<string, string>;
  body: string;
}

/** Signs a Proton API call for a server on 127.0.0.1:port. */
export async function signRequest(
  port: number,
  operation: string,
  input: unknown,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<SignedBenchRequest> {
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'proton',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path: '/',
      headers: {
        host: `127.0.0.1:${port}`,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AwsProton20200720.${operation}`,
      },
      body,
    }),
  );
  return { port, headers: signed.headers as Record<string, string>, body };
}

/** Throughput and latency percentiles of one measurement. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const WORKER_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { request, clients, perClient } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
function send() {
  return new Promise(resolve => {
    const started = process.hrtime.bigint();
    const outgoing = http.request({ host: '127.0.0.1', port: request.port, method: 'POST', path: '/', headers: request.headers, agent }, response => {
      response.resume();
      response.on('end', () => resolve({ ok: response.statusCode === 200, ns: Number(process.hrtime.bigint() - started) }));
    });
    outgoing.on('error', () => resolve({ ok: false, ns: Number(process.hrtime.bigint() - started) }));
    outgoing.end(request.body);
  });
}
async function client(latencies) {
  let errors = 0;
  for (let i = 0; i < perClient; i++) {
    const result = await send();
    if (!result.ok) errors++;
    latencies.push(result.ns);
  }
  return errors;
}
(async () => {
  const latencies = [];
  const errors = (await Promise.all(Array.from({ length: clients }, () => client(latencies)))).reduce((a, b) => a + b, 0);
  agent.destroy();
  parentPort.postMessage({ latencies, errors });
})();
`;

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.ceil(fraction * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)];
}

/**
 * Runs `clients` concurrent clients (spread over `workers` threads), each sending `perClient`
 * requests one after the other.
 */
export async function generateLoad(
  request: SignedBenchRequest,
  clients: number,
  perClient: number,
  // Leave a CPU to the server under test.
  workers = Math.max(1, Math.min(4, os.cpus().length - 1)),
): Promise<LoadResult> {
  const perWorker = Math.ceil(clients / workers);
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: workers }, (_, index) => {
      const count = Math.min(perWorker, clients - index * perWorker);
      return new Promise<{ latencies: number[]; errors: number }>(
        (resolve, reject) => {
          const worker = new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { request, clients: count, perClient },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        },
      );
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const latencies = results
    .flatMap(result => result.latencies)
    .sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5) / 1e6,
    p99Ms: percentile(latencies, 0.99) / 1e6,
  };
}
