/**
 * Benchmark of template sync (`yarn workspace @proton-platform/proton-server bench sync`), against a
 * Git server on loopback (`git http-backend`):
 *
 * 1. time from a push to the new minor version being DRAFT, announced by a signed webhook, and found
 *    by polling (every `--poll-seconds`, 2 by default): median, min and max of 5 pushes each;
 * 2. Git operations of one sync of a repository with 20 templates of which one changed: the control
 *    plane's fetches and clones, and the requests the Git server answered.
 *
 * It prints figures and asserts nothing.
 */
import os from 'node:os';
import {
  CreateEnvironmentTemplateCommand,
  CreateRepositoryCommand,
  CreateTemplateSyncConfigCommand,
  ListEnvironmentTemplateVersionsCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import {
  GitWorkingCopy,
  startGitHttpServer,
} from '../src/__testUtils__/gitHttpServer';
import { postPushWebhook } from '../src/__testUtils__/pushWebhook';
import { environmentBundleFiles } from '../src/__testUtils__/templateBundles';
import { startTestServer, TestServer } from '../src/__testUtils__/testServer';

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/bench';
const SECRET = 'bench-webhook-secret';
const ROUNDS = 5;

function folder(template: string, marker: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [file, content] of Object.entries(environmentBundleFiles())) {
    files[`${template}/v1/${file}`] = content;
  }
  files[
    `${template}/v1/infrastructure/index.ts`
  ] = `export const marker = '${marker}';\n`;
  return files;
}

async function versionCount(client: ProtonClient, template: string) {
  const { templateVersions } = await client.send(
    new ListEnvironmentTemplateVersionsCommand({ templateName: template }),
  );
  return (templateVersions ?? []).filter(v => v.status === 'DRAFT').length;
}

async function waitForVersions(
  client: ProtonClient,
  template: string,
  count: number,
): Promise<void> {
  for (;;) {
    if ((await versionCount(client, template)) >= count) return;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

async function follow(
  test: TestServer,
  repository: string,
  templates: string[],
): Promise<void> {
  await test.client.send(
    new CreateRepositoryCommand({
      provider: 'GITHUB',
      name: repository,
      connectionArn: CONNECTION,
    }),
  );
  for (const template of templates) {
    await test.client.send(
      new CreateEnvironmentTemplateCommand({ name: template }),
    );
    await test.client.send(
      new CreateTemplateSyncConfigCommand({
        templateName: template,
        templateType: 'ENVIRONMENT',
        repositoryProvider: 'GITHUB',
        repositoryName: repository,
        branch: 'main',
      }),
    );
  }
  await test.server.settled();
}

async function webhook(test: TestServer, repository: string, sha: string) {
  const { status } = await postPushWebhook(test.endpoint, {
    repositoryName: repository,
    sha,
    secret: SECRET,
  });
  if (status !== 202) {
    throw new Error(`the webhook was answered ${status}`);
  }
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(
    0,
  )} ms (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(
    0,
  )}; ${sorted.map(t => t.toFixed(0)).join(', ')})`;
}

async function pushToDraft(
  test: TestServer,
  copy: GitWorkingCopy,
  announce: (sha: string) => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const before = await versionCount(test.client, 'bench-env');
    await copy.write(folder('bench-env', `round ${round} ${Date.now()}`));
    const sha = await copy.commitAndPush(`Round ${round}`);
    const pushed = performance.now();
    await announce(sha);
    await waitForVersions(test.client, 'bench-env', before + 1);
    times.push(performance.now() - pushed);
  }
  return times;
}

export async function runTemplateSyncBench(args: string[]): Promise<void> {
  const index = args.indexOf('--poll-seconds');
  const pollSeconds = index >= 0 ? Number(args[index + 1]) : 2;
  const git = await startGitHttpServer();
  const connection = (pollIntervalSeconds: number) => ({
    connections: [
      {
        arn: CONNECTION,
        provider: 'GITHUB' as const,
        baseUrl: git.baseUrl,
        webhookSecret: SECRET,
      },
    ],
    pollIntervalSeconds,
  });
  console.log(
    `template sync bench: node ${process.version}, ${
      os.cpus().length
    } CPUs, git http-backend on loopback, ${ROUNDS} pushes each\n`,
  );
  try {
    const webhooks = await startTestServer({ git: connection(0) });
    try {
      const copy = await git.createRepository('bench/webhook');
      await copy.write(folder('bench-env', 'initial'));
      await copy.commitAndPush('Initial');
      await follow(webhooks, 'bench/webhook', ['bench-env']);
      const times = await pushToDraft(webhooks, copy, sha =>
        webhook(webhooks, 'bench/webhook', sha),
      );
      console.log(`push -> DRAFT, webhook: ${summary(times)}`);
    } finally {
      await webhooks.stop();
    }

    const polling = await startTestServer({ git: connection(pollSeconds) });
    try {
      const copy = await git.createRepository('bench/polling');
      await copy.write(folder('bench-env', 'initial'));
      await copy.commitAndPush('Initial');
      await follow(polling, 'bench/polling', ['bench-env']);
      const times = await pushToDraft(polling, copy, async () => {});
      console.log(
        `push -> DRAFT, polling every ${pollSeconds} s: ${summary(times)}`,
      );
    } finally {
      await polling.stop();
    }

    const fleet = await startTestServer({ git: connection(0) });
    try {
      const copy = await git.createRepository('bench/fleet');
      const templates = Array.from(
        { length: 20 },
        (_, i) => `env-${String(i + 1).padStart(2, '0')}`,
      );
      for (const template of templates) {
        await copy.write(folder(template, 'initial'));
      }
      await copy.commitAndPush('Twenty templates');
      await follow(fleet, 'bench/fleet', templates);
      const before = fleet.server.gitOperationCounts;
      const served = { ...git.requests };
      await copy.write(folder('env-07', 'changed'));
      await copy.commitAndPush('Change one template');
      const started = performance.now();
      await fleet.server.pollRepositories();
      await fleet.server.settled();
      const took = performance.now() - started;
      const after = fleet.server.gitOperationCounts;
      let created = 0;
      for (const template of templates) {
        created += (await versionCount(fleet.client, template)) - 1;
      }
      console.log(
        `\none sync of a repository with 20 templates, 1 changed: ${
          after.fetches - before.fetches
        } fetch, ${
          after.clones - before.clones
        } clones; the Git server answered ${
          git.requests.refs - served.refs
        } ref advertisement and ${
          git.requests.uploadPacks - served.uploadPacks
        } upload-pack; ${created} version created; ${took.toFixed(0)} ms`,
      );
    } finally {
      await fleet.stop();
    }
  } finally {
    await git.stop();
  }
}
