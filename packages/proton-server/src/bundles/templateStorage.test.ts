import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  GetEnvironmentTemplateVersionCommand,
  ProtonClient,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import knexFactory, { Knex } from 'knex';
import {
  createEnvironment,
  shellEnvironmentBundle,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  startStandaloneServer,
  stopStandaloneServer,
} from '../__testUtils__/standaloneServer';
import {
  ENVIRONMENT_SCHEMA,
  writeBundle,
} from '../__testUtils__/templateBundles';
import {
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import {
  startTestServer,
  TEST_CREDENTIALS,
  TestServer,
} from '../__testUtils__/testServer';
import { createLocalRunner } from '../deployments/localRunner';
import type { ProtonServerOptions } from '../protonServerOptions';
import { S3TemplateBundleStore } from './templateBundleStore';

const SQLITE_FILE = 'proton-server.sqlite';

async function withSqlite<T>(
  directory: string,
  task: (knex: Knex) => Promise<T>,
): Promise<T> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(directory, SQLITE_FILE) },
    useNullAsDefault: true,
  });
  try {
    return await task(knex);
  } finally {
    await knex.destroy();
  }
}

/** Waits until a version of `templateName` 1.0 has left REGISTRATION_IN_PROGRESS; its record. */
async function registered(client: ProtonClient, templateName: string) {
  const version = { templateName, majorVersion: '1', minorVersion: '0' };
  await waitUntilEnvironmentTemplateVersionRegistered(
    { client, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
    version,
  ).catch(() => undefined);
  const { environmentTemplateVersion } = await client.send(
    new GetEnvironmentTemplateVersionCommand(version),
  );
  return environmentTemplateVersion!;
}

describe('registered template bundles', () => {
  let scratch: string;
  let data: string;
  let test: TestServer | undefined;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'storage-'));
    data = path.join(scratch, 'data');
  });
  afterEach(async () => {
    await test?.stop();
    test = undefined;
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  /** A server on this test's SQLite file; `first` creates the templates. */
  function start(
    first: boolean,
    options: Partial<ProtonServerOptions> = {},
  ): Promise<TestServer> {
    const settings = {
      database: { client: 'sqlite' as const, directory: data },
      deploymentRunner: createLocalRunner(),
      ...options,
    };
    return first
      ? startTemplateTestServer(settings)
      : startTestServer(settings);
  }

  async function deployDev(server: TestServer) {
    await createEnvironment(server, 'dev');
    return waitForEnvironmentStatus(server, 'dev', ['SUCCEEDED', 'FAILED']);
  }

  it('deploys a version registered before a restart on a machine that has none of its files', async () => {
    test = await start(true, {
      storageDirectory: path.join(scratch, 'cache-1'),
    });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle(['test -f manifest.yaml']),
    );
    await test.stop();
    // Neither the first start's cache nor the uploaded bundle exists any more.
    await fs.promises.rm(path.join(scratch, 'cache-1'), { recursive: true });
    test = await start(false, {
      storageDirectory: path.join(scratch, 'cache-2'),
    });
    const environment = await deployDev(test);
    expect(environment.deploymentStatusMessage).toBeUndefined();
    expect(environment.deploymentStatus).toBe('SUCCEEDED');
    const row = await withSqlite(data, knex =>
      knex('template_versions').first(),
    );
    expect(row.bundle_location).toBe('database');
    expect(
      fs.readdirSync(
        path.join(scratch, 'cache-2', 'environment-templates', 'vpc'),
      ),
    ).toEqual([`1.0-${row.bundle_sha256.slice(0, 16)}`]);
  });

  it('stores versions an earlier control plane kept only on disk, and says so for those whose files are gone', async () => {
    const cache = path.join(scratch, 'cache');
    test = await start(true, { storageDirectory: cache });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle(['true']),
    );
    await test.stop();
    test = undefined;
    // What an earlier control plane left: the files in <cache>/environment-templates/vpc/1.0 only.
    const hashed = path.join(cache, 'environment-templates', 'vpc');
    const [unpacked] = fs.readdirSync(hashed);
    await fs.promises.rename(
      path.join(hashed, unpacked),
      path.join(hashed, '1.0'),
    );
    await withSqlite(data, async knex => {
      await knex('template_bundles').delete();
      await knex('template_versions').update({
        bundle_location: null,
        bundle_sha256: null,
      });
    });
    test = await start(false, { storageDirectory: cache });
    expect(
      await withSqlite(data, knex =>
        knex('template_versions').first('bundle_location'),
      ),
    ).toEqual({ bundle_location: 'database' });
    expect((await deployDev(test)).deploymentStatus).toBe('SUCCEEDED');
    await test.stop();
    test = undefined;

    await withSqlite(data, async knex => {
      await knex('template_bundles').delete();
      await knex('template_versions').update({ bundle_location: null });
      await knex('environments').delete();
      await knex('deployments').delete();
    });
    await fs.promises.rm(cache, { recursive: true });
    test = await start(false, { storageDirectory: cache });
    const environment = await deployDev(test);
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toBe(
      'The files of version 1.0 of the environment template vpc are not stored: it was registered by an ' +
        'earlier control plane that kept them only on one machine. Create the version again from its bundle.',
    );
  });

  it('keeps bundles in S3 when configured', async () => {
    const s3 = mockClient(S3Client);
    const objects = new Map<string, Buffer>();
    s3.on(PutObjectCommand).callsFake(async input => {
      objects.set(`${input.Bucket}/${input.Key}`, input.Body as Buffer);
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async input => {
      const body = objects.get(`${input.Bucket}/${input.Key}`);
      if (!body) throw Object.assign(new Error('gone'), { name: 'NoSuchKey' });
      return {
        Body: { transformToByteArray: async () => new Uint8Array(body) },
      };
    });
    s3.on(DeleteObjectCommand).callsFake(async input => {
      objects.delete(`${input.Bucket}/${input.Key}`);
      return {};
    });
    const store = () =>
      new S3TemplateBundleStore(new S3Client({}), 'proton-bundles', 'store/');
    test = await start(true, {
      templateBundleStore: store(),
      storageDirectory: path.join(scratch, 'cache-1'),
    });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle(['true']),
    );
    const [key] = [...objects.keys()];
    expect(key).toMatch(
      /^proton-bundles\/store\/environment\/vpc\/1\.0\/[0-9a-f]{64}\.tar\.gz$/,
    );
    await test.stop();
    test = await start(false, {
      templateBundleStore: store(),
      storageDirectory: path.join(scratch, 'cache-2'),
    });
    expect((await deployDev(test)).deploymentStatus).toBe('SUCCEEDED');
    expect(
      await withSqlite(data, knex =>
        knex('template_bundles').count({ n: '*' }),
      ),
    ).toEqual([{ n: 0 }]);
    s3.restore();
  });
});

describe('interrupted template registrations', () => {
  let scratch: string;
  let data: string;
  let test: TestServer | undefined;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'registration-'),
    );
    data = path.join(scratch, 'data');
  });
  afterEach(async () => {
    await test?.stop();
    test = undefined;
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  /**
   * Leaves the database as a server that died while registering vpc 1.0 leaves it: the version
   * REGISTRATION_IN_PROGRESS, claimed by that server, nothing stored.
   */
  async function interruptedRegistration(bundleGone: boolean) {
    test = await startTemplateTestServer({
      database: { client: 'sqlite', directory: data },
    });
    await publishEnvironmentVersion(test);
    await test.stop();
    if (bundleGone) {
      await fs.promises.rm(test.bundlesDirectory, {
        recursive: true,
        force: true,
      });
    }
    test = undefined;
    await withSqlite(data, async knex => {
      await knex('template_bundles').delete();
      await knex('template_versions').update({
        status: 'REGISTRATION_IN_PROGRESS',
        schema: null,
        bundle_location: null,
        bundle_sha256: null,
        claimed_by: 'a-server-that-died:1234',
        lease_expires_at: Date.now() + 60_000,
      });
    });
  }

  it('registers a version again when its registration was interrupted', async () => {
    await interruptedRegistration(false);
    const bundles = await fs.promises.mkdtemp(path.join(scratch, 'bundles-'));
    // the source, where the version names it
    await writeBundle(bundles, 'templates', 'vpc.tar.gz', {
      'schema/schema.yaml': ENVIRONMENT_SCHEMA,
      'infrastructure/manifest.yaml':
        'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: [true]\n',
    });
    test = await startTestServer({
      database: { client: 'sqlite', directory: data },
      bundlesDirectory: bundles,
    });
    expect((await registered(test.client, 'vpc')).status).toBe('DRAFT');
  });

  it('fails a version whose interrupted registration cannot read its bundle again, saying why', async () => {
    await interruptedRegistration(true);
    test = await startTestServer({
      database: { client: 'sqlite', directory: data },
    });
    expect(await registered(test.client, 'vpc')).toMatchObject({
      status: 'REGISTRATION_FAILED',
      statusMessage:
        'Template bundle registration failed: the registration was interrupted (the control plane ' +
        'registering it stopped) and the bundle s3://templates/vpc.tar.gz could not be read again: ' +
        'The template bundle s3://templates/vpc.tar.gz does not exist',
    });
  });

  it('never leaves a version REGISTRATION_IN_PROGRESS when the server is killed while registering it', async () => {
    const bundles = path.join(scratch, 'bundles');
    // Large enough that extracting it takes a while: 400 files of 20 KiB of random bytes.
    const files: Record<string, string> = {
      'schema/schema.yaml': ENVIRONMENT_SCHEMA,
      'infrastructure/manifest.yaml':
        'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: [true]\n',
    };
    for (let i = 0; i < 400; i++) {
      files[`infrastructure/data/${i}.txt`] =
        randomBytes(15_000).toString('base64');
    }
    const source = await writeBundle(bundles, 'templates', 'big.tar.gz', files);
    const args = ['--data', data, '--bundles', bundles];
    const env = { ...process.env, INIT_CWD: scratch };
    const first = await startStandaloneServer(args, env, TEST_CREDENTIALS);
    let second;
    try {
      await first.client.send(
        new CreateEnvironmentTemplateCommand({ name: 'big' }),
      );
      await first.client.send(
        new CreateEnvironmentTemplateVersionCommand({
          templateName: 'big',
          source: { s3: source },
        }),
      );
      await stopStandaloneServer(first, 'SIGKILL');
      const left = await withSqlite(data, knex =>
        knex('template_versions').first('status'),
      );
      second = await startStandaloneServer(args, env, TEST_CREDENTIALS);
      expect((await registered(second.client, 'big')).status).toBe('DRAFT');
      // What the kill left behind, for the record: usually REGISTRATION_IN_PROGRESS.
      expect(['REGISTRATION_IN_PROGRESS', 'DRAFT']).toContain(left.status);
    } finally {
      await stopStandaloneServer(first, 'SIGKILL');
      if (second) await stopStandaloneServer(second);
    }
  }, 60_000);
});
