import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import * as tar from 'tar';

/** The demo's template repository, built and ready to be pushed commit by commit. */
export interface DemoTemplateRepository {
  /** How many distinct states each `<template>/v<major>` folder went through: its minor versions. */
  versions: Map<string, number>;
  /** Where the states came from: this checkout's Git history, or its files alone. */
  source: 'history' | 'files';
  /** The commits, oldest first, each with the subject of the commit of this checkout it replays. */
  commits: Array<{ sha: string; subject: string }>;
  /**
   * Pushes `sha` as `main` of the bare repository the control plane follows
   * (`<gitDirectory>/<name>.git`), as a platform team pushes a commit.
   */
  push(sha: string): Promise<void>;
  /** Removes the work tree the commits were made in (the bare repository stays). */
  dispose(): Promise<void>;
}

/** A major version folder of a template, `<template>/v<N>`, as its first two path segments. */
const MAJOR_FOLDER = /^([^/]+\/v[1-9][0-9]*)\//;

/** Bundle files: what is under a `<template>/v<N>/` folder, except tests. */
function bundleFile(relative: string): string | undefined {
  if (!MAJOR_FOLDER.test(relative)) return undefined;
  if (relative.split('/').some(s => s === 'test' || s === 'node_modules')) {
    return undefined;
  }
  return relative;
}

async function emptyWorkTree(directory: string): Promise<void> {
  for (const entry of await fs.promises.readdir(directory)) {
    if (entry !== '.git') {
      await fs.promises.rm(path.join(directory, entry), {
        recursive: true,
        force: true,
      });
    }
  }
}

/** Copies `<from>/v*` to `<to>/v*` in the work tree (a second template registered from one bundle). */
async function copyTemplates(
  work: string,
  copies: Record<string, string>,
): Promise<void> {
  for (const [to, from] of Object.entries(copies)) {
    if (fs.existsSync(path.join(work, from))) {
      await fs.promises.cp(path.join(work, from), path.join(work, to), {
        recursive: true,
      });
    }
  }
}

/**
 * Builds the demo's template repository: one commit for every commit of this checkout that changed a
 * template bundle under `templatesDirectory` (`<template>/v<major>/`, tests left out), in order, and
 * one more for uncommitted changes, so that the demo's minor versions are this repository's Git
 * history (fargate-service 1.0, then 1.1), and an empty bare repository at `<gitDirectory>/<name>.git`
 * that the control plane follows with template sync (a local-path Git connection), to push them to
 * one by one. A checkout without history (an archive) gives one commit of the files as they are.
 * `copies` adds a template registered from another's bundle
 * (`{'fargate-service-with-pipeline': 'fargate-service'}`).
 *
 * @returns the commits, how many versions each major version folder has, and how to push them
 * @throws Error when git fails, with its message
 */
export async function buildDemoTemplateRepository(options: {
  templatesDirectory: string;
  gitDirectory: string;
  name: string;
  copies: Record<string, string>;
}): Promise<DemoTemplateRepository> {
  const { templatesDirectory, gitDirectory, name, copies } = options;
  const work = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-demo-templates-'),
  );
  const demo = simpleGit({
    baseDir: work,
    config: ['user.name=Proton demo', 'user.email=demo@example.com'],
  });
  const checkout = simpleGit({ baseDir: templatesDirectory });
  const versions = new Map<string, number>();
  const commits: DemoTemplateRepository['commits'] = [];
  const commitState = async (message: string) => {
    await copyTemplates(work, copies);
    await demo.raw(['add', '-A']);
    const changed = (await demo.raw(['diff', '--cached', '--name-only']))
      .split('\n')
      .map(file => MAJOR_FOLDER.exec(file)?.[1])
      .filter((folder): folder is string => Boolean(folder));
    if (changed.length === 0) return;
    for (const folder of new Set(changed)) {
      versions.set(folder, (versions.get(folder) ?? 0) + 1);
    }
    await demo.raw(['commit', '-q', '-m', message]);
    commits.push({
      sha: (await demo.raw(['rev-parse', 'HEAD'])).trim(),
      subject: message,
    });
  };
  try {
    await demo.raw(['init', '-q', '--initial-branch=main']);
    let prefix: string | undefined;
    let root: string | undefined;
    try {
      root = (await checkout.raw(['rev-parse', '--show-toplevel'])).trim();
      prefix = (await checkout.raw(['rev-parse', '--show-prefix'])).trim();
    } catch {
      prefix = undefined;
    }
    let source: DemoTemplateRepository['source'] = 'files';
    if (root !== undefined && prefix !== undefined) {
      const history = simpleGit({ baseDir: root });
      const replayed = (
        await history.raw([
          'log',
          '--reverse',
          '--format=%H%x09%s',
          '--',
          `:(glob)${prefix}*/v*/**`,
        ])
      )
        .split('\n')
        .filter(Boolean)
        .map(line => line.split('\t'));
      for (const [sha, subject] of replayed) {
        await emptyWorkTree(work);
        const archive = path.join(work, '.git', 'state.tar');
        await history.raw([
          'archive',
          '--format=tar',
          '-o',
          archive,
          sha,
          '--',
          prefix,
        ]);
        await tar.x({
          file: archive,
          cwd: work,
          strip: prefix.split('/').filter(Boolean).length,
          filter: entry => Boolean(bundleFile(entry.slice(prefix!.length))),
        });
        await fs.promises.rm(archive);
        await commitState(subject);
        source = 'history';
      }
    }
    // uncommitted changes (and, without history, the files themselves): the next version
    await emptyWorkTree(work);
    const files = (
      await checkout
        .raw([
          'ls-files',
          '--cached',
          '--others',
          '--exclude-standard',
          '--',
          '.',
        ])
        .catch(() => '')
    )
      .split('\n')
      .filter(Boolean);
    const listed =
      files.length > 0
        ? files
        : await fs.promises.readdir(templatesDirectory, { recursive: true });
    for (const file of listed.map(String)) {
      const relative = bundleFile(file.split(path.sep).join('/'));
      const from = path.join(templatesDirectory, file);
      if (!relative || !fs.existsSync(from) || !fs.statSync(from).isFile()) {
        continue;
      }
      await fs.promises.mkdir(path.dirname(path.join(work, relative)), {
        recursive: true,
      });
      await fs.promises.copyFile(from, path.join(work, relative));
    }
    await commitState(
      source === 'history'
        ? 'Changes of the working tree not committed yet'
        : 'The template bundles',
    );
    const bare = path.join(gitDirectory, `${name}.git`);
    await fs.promises.rm(bare, { recursive: true, force: true });
    await fs.promises.mkdir(bare, { recursive: true });
    await simpleGit({ baseDir: bare }).raw([
      'init',
      '--bare',
      '-q',
      '--initial-branch=main',
    ]);
    return {
      versions,
      source,
      commits,
      push: async sha => {
        await demo.raw([
          'push',
          '-q',
          '--force',
          bare,
          `${sha}:refs/heads/main`,
        ]);
      },
      dispose: () => fs.promises.rm(work, { recursive: true, force: true }),
    };
  } catch (error) {
    await fs.promises.rm(work, { recursive: true, force: true });
    throw error;
  }
}
