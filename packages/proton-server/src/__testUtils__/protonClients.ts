import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as proton from '@aws-sdk/client-proton';
import { TEST_CREDENTIALS } from './testServer';

const run = promisify(execFile);

/** What one call of a Proton operation answered, the same for every client. */
export type ProtonCallResult =
  | { ok: true; output: any }
  | {
      ok: false;
      /** The error's code, e.g. `ValidationException`. */
      code: string;
      message: string;
      /** The HTTP status; the AWS CLI does not print it. */
      status?: number;
    };

/** A client of the Proton API that calls operations by their model name with model-shaped input. */
export interface ProtonCaller {
  readonly name: string;
  call(
    operation: string,
    input?: Record<string, unknown>,
  ): Promise<ProtonCallResult>;
  /** Lets go of what the client holds open (the SDK's connections). */
  close(): void;
}

/** Dates as epoch seconds, as boto3's and the CLI's JSON show them once parsed here. */
function plain(value: unknown): any {
  return JSON.parse(
    // a replacer sees a Date already turned into a string by its toJSON: read the holder's member
    JSON.stringify(value, function replace(this: any, key, member) {
      const raw = this[key];
      return raw instanceof Date ? raw.getTime() / 1000 : member;
    }),
  );
}

/** The AWS SDK for JavaScript v3 (`@aws-sdk/client-proton`). */
export function sdkCaller(endpoint: string): ProtonCaller {
  const client = new proton.ProtonClient({
    region: 'us-east-1',
    endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    name: 'JS SDK v3',
    async call(operation, input = {}) {
      const Command = (proton as any)[`${operation}Command`];
      try {
        const { $metadata: _metadata, ...output } = await client.send(
          new Command(input),
        );
        return { ok: true, output: plain(output) };
      } catch (error) {
        if (!(error instanceof proton.ProtonServiceException)) throw error;
        return {
          ok: false,
          code: error.name,
          message: error.message,
          status: error.$metadata.httpStatusCode,
        };
      }
    },
    close: () => client.destroy(),
  };
}

/** The environment of a Python client: the test's key pair, nothing from the user's AWS set-up. */
function pythonClientEnv(configFile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: configFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
}

/**
 * A config file turning off botocore's own checks of required members and types, so that the
 * server's validation is what answers a malformed request (as it must for clients that do not check);
 * one a test process, removed when it exits.
 */
let clientConfig: string | undefined;

function writeClientConfig(): string {
  if (!clientConfig) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'proton-clients-'));
    clientConfig = path.join(directory, 'config');
    fs.writeFileSync(clientConfig, '[default]\nparameter_validation = false\n');
    process.once('exit', () =>
      fs.rmSync(directory, { recursive: true, force: true }),
    );
  }
  return clientConfig;
}

const BOTO3_SCRIPT = `
import json, sys, boto3, botocore.config, botocore.exceptions
request = json.load(sys.stdin)
client = boto3.client('proton', endpoint_url=request['endpoint'],
    config=botocore.config.Config(retries={'total_max_attempts': 1}, parameter_validation=False))
try:
    output = getattr(client, request['method'])(**request['input'])
    output.pop('ResponseMetadata', None)
    print(json.dumps({'ok': True, 'output': output}, default=lambda d: d.timestamp()))
except botocore.exceptions.ClientError as error:
    print(json.dumps({'ok': False, 'code': error.response['Error']['Code'],
        'message': error.response['Error'].get('Message', ''),
        'status': error.response['ResponseMetadata']['HTTPStatusCode']}))
`;

function snakeCase(operation: string): string {
  return operation.replace(/[A-Z]/g, (letter, index) =>
    index === 0 ? letter.toLowerCase() : `_${letter.toLowerCase()}`,
  );
}

/** boto3, one Python process a call. */
export function boto3Caller(endpoint: string): ProtonCaller {
  const env = pythonClientEnv(writeClientConfig());
  return {
    name: 'boto3',
    async call(operation, input = {}) {
      const child = run('python3', ['-c', BOTO3_SCRIPT], { env });
      child.child.stdin!.end(
        JSON.stringify({ endpoint, method: snakeCase(operation), input }),
      );
      const { stdout } = await child;
      return JSON.parse(stdout);
    },
    close: () => {},
  };
}

/** The AWS CLI v1 (`aws proton …` with `--cli-input-json`), one process a call. */
export function awsCliCaller(endpoint: string): ProtonCaller {
  const env = pythonClientEnv(writeClientConfig());
  return {
    name: 'AWS CLI v1',
    async call(operation, input = {}) {
      const command = snakeCase(operation).replace(/_/g, '-');
      try {
        const { stdout } = await run(
          'aws',
          [
            'proton',
            command,
            '--endpoint-url',
            endpoint,
            '--output',
            'json',
            '--cli-input-json',
            JSON.stringify(input),
          ],
          { env },
        );
        return { ok: true, output: stdout.trim() ? JSON.parse(stdout) : {} };
      } catch (error: any) {
        const match =
          /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/s.exec(
            String(error.stderr ?? ''),
          );
        if (!match) throw error;
        return { ok: false, code: match[1], message: match[2].trim() };
      }
    },
    close: () => {},
  };
}

/** Whether a command runs here (`aws --version`, `python3 -c 'import boto3'`). */
function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A kind of client, to make one for a server once its endpoint is known. */
export interface ProtonClientKind {
  readonly name: string;
  create(endpoint: string): ProtonCaller;
}

/**
 * The three clients conformance tests run with: the JS SDK v3 always; boto3 and the AWS CLI v1 when
 * installed (this project's machines have both). A missing one is named in `missing`, for the test
 * to say so.
 */
export function protonClientKinds(): {
  kinds: ProtonClientKind[];
  missing: string[];
} {
  const kinds: ProtonClientKind[] = [{ name: 'JS SDK v3', create: sdkCaller }];
  const missing: string[] = [];
  if (available('python3', ['-c', 'import boto3'])) {
    kinds.push({ name: 'boto3', create: boto3Caller });
  } else missing.push('boto3 (pip install boto3)');
  if (available('aws', ['--version'])) {
    kinds.push({ name: 'AWS CLI v1', create: awsCliCaller });
  } else missing.push('the AWS CLI v1 (pip install awscli)');
  return { kinds, missing };
}

/** The output of a call that must succeed; fails the test with the error's code and message otherwise. */
export function expectOk(result: ProtonCallResult): any {
  if (!result.ok) {
    throw new Error(`expected success, got ${result.code}: ${result.message}`);
  }
  return result.output;
}

/**
 * The message of a call that must fail with `code` (and, where the client shows it, HTTP `status`);
 * the message must read as words: no `undefined`, internal function, path or stack frame.
 */
export function expectError(
  result: ProtonCallResult,
  code: string,
  status?: number,
): string {
  if (result.ok) {
    throw new Error(
      `expected ${code}, got ${JSON.stringify(result.output).slice(0, 300)}`,
    );
  }
  expect(result.code).toBe(code);
  if (status !== undefined && result.status !== undefined) {
    expect(result.status).toBe(status);
  }
  expect(result.message).not.toMatch(/\bundefined\b/);
  expect(result.message).not.toMatch(/\w+\(\)|\bat \S+ \(/);
  expect(result.message).not.toMatch(/\/(tmp|home|root|work)\//);
  return result.message;
}

/**
 * Calls through `client`, then waits until the server and `runner` have finished what the call
 * started (deployments reported), so that the next call sees the outcome.
 */
export function settledCaller(
  client: () => ProtonCaller,
  server: () => { settled(): Promise<void> },
  runner: () => { idle(): Promise<void> },
) {
  return async (operation: string, input: Record<string, unknown>) => {
    const result = await client().call(operation, input);
    await server().settled();
    await runner().idle();
    await server().settled();
    return result;
  };
}
