import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { writeBundle } from './templateBundles';

/** The standalone server's entry point. */
export const PROTON_SERVER_BIN = path.resolve(
  __dirname,
  '../../bin/proton-server',
);

/** A `proton-server` process and a client signed with its credentials. */
export interface StandaloneServer {
  child: ChildProcess;
  endpoint: string;
  client: ProtonClient;
  output(): string;
}

/** Starts `proton-server` with `args` (plus `--port 0`) and waits until it listens. */
export function startStandaloneServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<StandaloneServer> {
  const child = spawn(
    process.execPath,
    [PROTON_SERVER_BIN, '--port', '0', ...args],
    {
      env: {
        ...env,
        PROTON_SERVER_ACCESS_KEY_ID: credentials.accessKeyId,
        PROTON_SERVER_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`proton-server exited with ${code}: ${output}`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        child.off('exit', onExit);
        resolve({
          child,
          endpoint: match[1],
          client: new ProtonClient({
            region: 'us-east-1',
            endpoint: match[1],
            credentials,
            maxAttempts: 1,
          }),
          output: () => output,
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', onExit);
  });
}

/** Stops a standalone server with `signal` and waits for it to exit. */
export async function stopStandaloneServer(
  server: StandaloneServer,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  server.client.destroy();
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return;
  }
  const exited = new Promise(resolve => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

/** Creates the environment template `vpc` with a published version 1.0 from `files`. */
export async function publishEnvironmentTemplate(
  client: ProtonClient,
  bundlesDirectory: string,
  files: Record<string, string>,
): Promise<void> {
  const source = await writeBundle(
    bundlesDirectory,
    'templates',
    'vpc.tar.gz',
    files,
  );
  await client.send(new CreateEnvironmentTemplateCommand({ name: 'vpc' }));
  await client.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      source: { s3: source },
    }),
  );
  await waitUntilEnvironmentTemplateVersionRegistered(
    { client, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
    { templateName: 'vpc', majorVersion: '1', minorVersion: '0' },
  );
  await client.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName: 'vpc',
      majorVersion: '1',
      minorVersion: '0',
      status: 'PUBLISHED',
    }),
  );
}
