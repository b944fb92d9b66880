import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleGit, SimpleGit } from 'simple-git';
import { GitConnection, gitEnvironment, remoteUrl } from './gitConnections';

/** A linked repository as the mirrors need it. */
export interface MirroredRepository {
  provider: string;
  name: string;
  connection: GitConnection;
}

/** One entry of a folder at a commit. */
export interface TreeEntry {
  name: string;
  type: 'tree' | 'blob' | 'commit';
  /** The Git object id: equal ids mean equal content, for folders too. */
  oid: string;
}

/**
 * How many network operations the mirrors made, for benchmarks and tests.
 *
 * @public
 */
export interface GitOperationCounts {
  /** Fetches into a mirror that existed (when nothing changed, only the branch's head is read). */
  fetches: number;
  /** Fetches into a new mirror: the first of each repository. */
  clones: number;
}

/**
 * The error of a Git operation, in words a client may see: git's own `fatal:`/`error:` lines, with
 * the mirror's local path removed.
 */
export class GitOperationError extends Error {}

const GIT_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Local bare mirrors of linked repositories, kept under one directory and updated with shallow
 * fetches (`--depth 1`: a sync compares folder contents by tree id, never history), through the
 * `git` command line (simple-git). Fetches into one mirror run one at a time; reads of fetched
 * commits run beside them (a fetch only adds objects and moves the sync ref).
 */
export class GitMirrors {
  readonly counts: GitOperationCounts = {
    fetches: 0,
    clones: 0,
  };
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly directory: string) {}

  private mirrorDirectory(repository: MirroredRepository): string {
    const id = createHash('sha256')
      .update(`${repository.provider}\n${repository.name}`)
      .digest('hex')
      .slice(0, 24);
    return path.join(this.directory, `${id}.git`);
  }

  private git(repository: MirroredRepository, baseDir?: string): SimpleGit {
    const environment = gitEnvironment(repository.connection);
    const git = simpleGit({
      baseDir: baseDir ?? this.directory,
      allowEnvironment: Object.keys(environment),
      timeout: { block: GIT_TIMEOUT_MS },
      // the connection's credentials travel in GIT_CONFIG_* (a token header) and GIT_SSH_COMMAND (a
      // key file), both from the control plane's own configuration, never from a request
      unsafe: { allowUnsafeConfigEnvCount: true, allowUnsafeSshCommand: true },
    });
    return git.env({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      ...environment,
    });
  }

  private serialized<T>(
    repository: MirroredRepository,
    work: () => Promise<T>,
  ): Promise<T> {
    const key = this.mirrorDirectory(repository);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(key, next);
    return next;
  }

  private failure(error: unknown, repository?: MirroredRepository): never {
    const text = error instanceof Error ? error.message : String(error);
    const lines = text
      .split('\n')
      .map(line => line.trim())
      .filter(line => /^(fatal|error|remote):/i.test(line));
    let message = (lines.length > 0 ? lines : [text.split('\n')[0]])
      .join('; ')
      .slice(0, 500);
    if (repository) {
      message = message
        .split(this.mirrorDirectory(repository))
        .join('')
        // the remote's URL (a local folder's path, a server's address) shows as the repository's name
        .split(remoteUrl(repository.connection, repository.name))
        .join(repository.name);
    }
    message = message.split(this.directory).join('');
    throw new GitOperationError(message);
  }

  /**
   * Fetches `branch` into the repository's mirror (creating it on first use).
   *
   * @returns the commit fetched
   * @throws GitOperationError when the fetch fails, naming why in git's words
   */
  async fetch(repository: MirroredRepository, branch: string): Promise<string> {
    return this.serialized(repository, async () => {
      const directory = this.mirrorDirectory(repository);
      const exists = fs.existsSync(path.join(directory, 'HEAD'));
      try {
        if (!exists) {
          await fs.promises.mkdir(this.directory, { recursive: true });
          await fs.promises.mkdir(directory, { recursive: true });
          await this.git(repository, directory).raw(['init', '--bare', '-q']);
        }
        const ref = `refs/sync/${branch}`;
        await this.git(repository, directory).raw([
          'fetch',
          '--quiet',
          '--no-tags',
          '--depth=1',
          '--',
          remoteUrl(repository.connection, repository.name),
          `+refs/heads/${branch}:${ref}`,
        ]);
        if (exists) this.counts.fetches += 1;
        else this.counts.clones += 1;
        return (
          await this.git(repository, directory).raw(['rev-parse', ref])
        ).trim();
      } catch (error) {
        if (!exists) {
          await fs.promises.rm(directory, { recursive: true, force: true });
        }
        return this.failure(error, repository);
      }
    });
  }

  /**
   * Makes sure commit `sha` of `branch` is in the mirror: fetches the branch, and the commit itself
   * when the branch has moved on (servers that allow fetching reachable commits, as GitHub and
   * Bitbucket do).
   *
   * @throws GitOperationError when the commit cannot be fetched
   */
  async fetchCommit(
    repository: MirroredRepository,
    branch: string,
    sha: string,
  ): Promise<void> {
    const present = async () => {
      try {
        await this.git(repository, this.mirrorDirectory(repository)).raw([
          'cat-file',
          '-e',
          `${sha}^{commit}`,
        ]);
        return true;
      } catch {
        return false;
      }
    };
    if (fs.existsSync(this.mirrorDirectory(repository)) && (await present())) {
      return;
    }
    await this.fetch(repository, branch);
    if (await present()) return;
    await this.serialized(repository, async () => {
      try {
        await this.git(repository, this.mirrorDirectory(repository)).raw([
          'fetch',
          '--quiet',
          '--no-tags',
          '--depth=1',
          '--',
          remoteUrl(repository.connection, repository.name),
          sha,
        ]);
        this.counts.fetches += 1;
      } catch (error) {
        this.failure(error, repository);
      }
    });
  }

  /**
   * The entries of folder `folder` ('' for the root) at commit `sha` of a fetched mirror.
   *
   * @returns the entries, or undefined when there is no such folder
   */
  async listFolder(
    repository: MirroredRepository,
    sha: string,
    folder: string,
  ): Promise<TreeEntry[] | undefined> {
    const directory = this.mirrorDirectory(repository);
    const treeish = folder ? `${sha}:${folder}` : `${sha}^{tree}`;
    const git = this.git(repository, directory);
    try {
      const type = (await git.raw(['cat-file', '-t', treeish])).trim();
      if (type !== 'tree') return undefined;
    } catch {
      return undefined;
    }
    try {
      const output = await git.raw(['ls-tree', '-z', treeish]);
      return output
        .split('\0')
        .filter(Boolean)
        .map(entry => {
          const [info, name] = entry.split('\t');
          const [, type, oid] = info.split(' ');
          return { name, type: type as TreeEntry['type'], oid };
        });
    } catch (error) {
      return this.failure(error, repository);
    }
  }

  /**
   * The text of file `file` at commit `sha`.
   *
   * @returns the file's content, or undefined when there is no such file
   */
  async readFile(
    repository: MirroredRepository,
    sha: string,
    file: string,
  ): Promise<string | undefined> {
    const git = this.git(repository, this.mirrorDirectory(repository));
    try {
      const type = (await git.raw(['cat-file', '-t', `${sha}:${file}`])).trim();
      if (type !== 'blob') return undefined;
    } catch {
      return undefined;
    }
    try {
      return await git.raw(['cat-file', 'blob', `${sha}:${file}`]);
    } catch (error) {
      return this.failure(error, repository);
    }
  }

  /** The first line of commit `sha`'s message. */
  async commitSubject(
    repository: MirroredRepository,
    sha: string,
  ): Promise<string> {
    const git = this.git(repository, this.mirrorDirectory(repository));
    try {
      return (await git.raw(['log', '-1', '--format=%s', sha])).trim();
    } catch (error) {
      return this.failure(error, repository);
    }
  }

  /**
   * Writes folder `folder` of commit `sha` as a .tar.gz whose root is the folder's content (a
   * template bundle as Proton reads one).
   */
  async archiveFolder(
    repository: MirroredRepository,
    sha: string,
    folder: string,
    file: string,
  ): Promise<void> {
    const git = this.git(repository, this.mirrorDirectory(repository));
    try {
      await git.raw([
        'archive',
        '--format=tar.gz',
        '-o',
        file,
        `${sha}:${folder}`,
      ]);
    } catch (error) {
      this.failure(error, repository);
    }
  }
}
