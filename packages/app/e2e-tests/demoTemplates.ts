import {
  ListServiceTemplateVersionsCommand,
  ProtonClient,
  UpdateServiceTemplateVersionCommand,
  UpdateTemplateSyncConfigCommand,
} from '@aws-sdk/client-proton';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The demo backend's port, as playwright.config.ts starts it. */
const BACKEND_PORT = Number(process.env.E2E_BACKEND_PORT ?? 7007);

/**
 * The demo's template repository as the demo seed names it for this backend (demoSeed.ts) and the
 * bare repository the embedded control plane follows (protonDemo.gitDirectory, `.demo/git`).
 */
const REPOSITORY_NAME = `demo/templates-${BACKEND_PORT}`;
const BARE_REPOSITORY = path.resolve(
  __dirname,
  '../../../.demo/git',
  `${REPOSITORY_NAME}.git`,
);

/**
 * A Proton client for the demo's embedded control plane, signed with the development key pair of
 * app-config.development.yaml, as a platform engineer's AWS CLI or SDK would reach it.
 */
export function demoProtonClient(): ProtonClient {
  return new ProtonClient({
    region: 'us-east-1',
    endpoint: `http://localhost:${BACKEND_PORT}/api/proton-server`,
    credentials: {
      accessKeyId: 'proton-dev',
      secretAccessKey: 'proton-dev-secret',
    },
  });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=Platform team',
      '-c',
      'user.email=platform@example.com',
    ].concat(args),
    { cwd, encoding: 'utf8' },
  );
}

/**
 * Publishes a new minor version of a demo service template the way a platform team does: a commit
 * to the template repository that changes one file of the bundle (`file`, under `<template>/v1/`,
 * `edit` returning its new text), then the control plane's template sync (asked for at once, as a
 * push webhook would) registers it as a draft, which is then published (and so recommended).
 *
 * @returns the new version, `major.minor`
 * @throws Error when the edit changes nothing, or the version does not register within 3 minutes
 */
export async function publishServiceTemplateVersionFromGit(options: {
  templateName: string;
  file: string;
  edit: (text: string) => string;
  message: string;
}): Promise<string> {
  const { templateName, file, edit, message } = options;
  const client = demoProtonClient();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'proton-e2e-templates-'));
  try {
    git(work, 'clone', '-q', BARE_REPOSITORY, '.');
    const target = path.join(work, templateName, 'v1', file);
    const before = fs.readFileSync(target, 'utf8');
    const after = edit(before);
    if (after === before) {
      throw new Error(`The edit of ${templateName}/v1/${file} changed nothing`);
    }
    fs.writeFileSync(target, after);
    git(work, 'commit', '-q', '-am', message);
    const sha = git(work, 'rev-parse', 'HEAD').trim();
    // before the push: the control plane's own polling may register the commit at once
    const versionsBefore = await listVersions(client, templateName);
    git(work, 'push', '-q', 'origin', 'HEAD:main');

    await client.send(
      new UpdateTemplateSyncConfigCommand({
        templateName,
        templateType: 'SERVICE',
        repositoryProvider: 'GITHUB_ENTERPRISE',
        repositoryName: REPOSITORY_NAME,
        branch: 'main',
      }),
    );
    const deadline = Date.now() + 180_000;
    for (;;) {
      const added = (await listVersions(client, templateName)).filter(
        v =>
          !versionsBefore.some(
            b =>
              b.majorVersion === v.majorVersion &&
              b.minorVersion === v.minorVersion,
          ),
      );
      const version = added[0];
      if (version?.status === 'REGISTRATION_FAILED') {
        throw new Error(
          `${templateName} at ${sha.slice(0, 12)} failed to register: ${
            version.statusMessage
          }`,
        );
      }
      if (version?.status === 'DRAFT') {
        await client.send(
          new UpdateServiceTemplateVersionCommand({
            templateName,
            majorVersion: version.majorVersion!,
            minorVersion: version.minorVersion!,
            status: 'PUBLISHED',
          }),
        );
        return `${version.majorVersion}.${version.minorVersion}`;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${templateName} at ${sha.slice(
            0,
            12,
          )} was not registered within 3 minutes`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 1_000));
    }
  } finally {
    client.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function listVersions(client: ProtonClient, templateName: string) {
  const { templateVersions = [] } = await client.send(
    new ListServiceTemplateVersionsCommand({ templateName, majorVersion: '1' }),
  );
  return templateVersions;
}

/**
 * The latest version (`major.minor`) of a demo service template, once the demo has synced and
 * published all of its versions (the demo's minor versions are this checkout's Git history, so the
 * tests read them rather than name them).
 *
 * @throws Error when the template has no published version within 4 minutes
 */
export async function latestServiceTemplateVersion(
  templateName: string,
): Promise<string> {
  const client = demoProtonClient();
  try {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const versions = await listVersions(client, templateName).catch(() => []);
      if (
        versions.length > 0 &&
        versions.every(v => v.status === 'PUBLISHED')
      ) {
        const latest = versions
          .map(v => Number(v.minorVersion))
          .sort((a, b) => a - b)
          .at(-1);
        return `1.${latest}`;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${templateName} has no published version after 4 minutes`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
  } finally {
    client.destroy();
  }
}
