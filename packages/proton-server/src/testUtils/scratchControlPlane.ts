import { ProtonClient } from '@aws-sdk/client-proton';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ProtonServer,
  ProtonServerOptions,
} from '@proton-platform/proton-server';
import { createProtonServer } from '../ProtonServer';
import { writeTemplateBundle } from '../seeding/templateBundleArchive';
import { noopTemplateBundleFiles } from './noopTemplateBundle';

/**
 * A control plane in a temporary folder, for benchmarks: the server, a client signed with its
 * credentials, and the sources of a no-op environment and service bundle ready to register.
 *
 * @public
 */
export interface ScratchControlPlane {
  /** The running control plane, listening on 127.0.0.1 on a free port. */
  server: ProtonServer;
  /** A Proton client for `us-east-1` pointed at the server and signed with `credentials`. */
  client: ProtonClient;
  /** The key pair the server accepts, made at random for this control plane. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where template bundles are read from: write more with `writeTemplateBundle`. */
  bundlesDirectory: string;
  /**
   * The `{bucket, key}` sources of an environment and a service template bundle whose steps do
   * nothing, ready to register as template versions.
   */
  noopBundles: Record<
    'environment' | 'service',
    { bucket: string; key: string }
  >;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a {@link ScratchControlPlane} on 127.0.0.1, with an in-memory database and, unless
 * `deploymentRunner` names one, no runner (deployments stay IN_PROGRESS until their outcome is
 * notified). Its key pair is made for it, at random, and lives as long as it does.
 *
 * @public
 */
export async function startScratchControlPlane(
  options: {
    responseDelayMs?: number;
    /** Git connections, for tests of linked repositories and template sync. */
    git?: ProtonServerOptions['git'];
    /** Executes deployments, e.g. `createLocalRunner()` for the no-op bundles' echo steps. */
    deploymentRunner?: ProtonServerOptions['deploymentRunner'];
  } = {},
): Promise<ScratchControlPlane> {
  const credentials = {
    accessKeyId: `AKIDSCRATCH${randomBytes(4).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  const bundlesDirectory = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-scratch-'),
  );
  const server = createProtonServer({
    credentials,
    bundlesDirectory,
    responseDelayMs: options.responseDelayMs,
    git: options.git,
    deploymentRunner: options.deploymentRunner,
    logger: {
      info: () => {},
      warn: () => {},
      error: (message: string) => process.stderr.write(`${message}\n`),
    },
  });
  await server.start();
  const client = new ProtonClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials,
  });
  const noopBundles = {
    environment: await writeTemplateBundle(
      bundlesDirectory,
      { bucket: 'scratch', key: 'environment.tar.gz' },
      { files: noopTemplateBundleFiles('environment') },
    ),
    service: await writeTemplateBundle(
      bundlesDirectory,
      { bucket: 'scratch', key: 'service.tar.gz' },
      { files: noopTemplateBundleFiles('service') },
    ),
  };
  return {
    server,
    client,
    credentials,
    bundlesDirectory,
    noopBundles,
    async stop() {
      client.destroy();
      await server.stop();
      await fs.promises.rm(bundlesDirectory, { recursive: true, force: true });
    },
  };
}
