import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProtonClient } from '@aws-sdk/client-proton';
import {
  createProtonServer,
  ProtonServer,
  ProtonServerOptions,
} from '../ProtonServer';

export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDPROTONTEST',
  secretAccessKey: 'proton-test-secret',
};

export interface TestServer {
  server: ProtonServer;
  client: ProtonClient;
  endpoint: string;
  bundlesDirectory: string;
  stop(): Promise<void>;
}

/** Starts a control plane on 127.0.0.1 (random port) with an in-memory database. */
export async function startTestServer(
  options: Partial<ProtonServerOptions> = {},
): Promise<TestServer> {
  const bundlesDirectory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-bundles-'),
  );
  const errors: unknown[] = [];
  const server = createProtonServer({
    credentials: TEST_CREDENTIALS,
    bundlesDirectory,
    logger: {
      info: () => {},
      warn: () => {},
      error: (_message, meta) => errors.push(meta),
    },
    ...options,
  });
  await server.start();
  const client = new ProtonClient({
    region: options.region ?? 'us-east-1',
    endpoint: server.endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    server,
    client,
    endpoint: server.endpoint,
    bundlesDirectory,
    async stop() {
      client.destroy();
      await server.stop();
      await fs.promises.rm(bundlesDirectory, { recursive: true, force: true });
      if (errors.length > 0) {
        throw new Error(
          `The server logged internal errors: ${errors.map(String).join('; ')}`,
        );
      }
    },
  };
}
