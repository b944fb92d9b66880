import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The identity of the test's commits, so that no global Git configuration is needed. */
const COMMITTER = {
  GIT_AUTHOR_NAME: 'Platform Team',
  GIT_AUTHOR_EMAIL: 'platform@example.com',
  GIT_COMMITTER_NAME: 'Platform Team',
  GIT_COMMITTER_EMAIL: 'platform@example.com',
};

/** A Git server on 127.0.0.1: `git http-backend` (Git's own smart HTTP server) behind node:http. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`: repository `owner/repo` is `<baseUrl>/owner/repo.git`. */
  baseUrl: string;
  /** Requests served, by kind: `info/refs` reads (one per fetch) and `upload-pack` posts. */
  requests: { refs: number; uploadPacks: number; refused: number };
  /** Creates an empty repository `owner/repo` with a working copy to commit from. */
  createRepository(name: string, branch?: string): Promise<GitWorkingCopy>;
  stop(): Promise<void>;
}

/** A clone of a test repository: write files, commit, push. */
export interface GitWorkingCopy {
  directory: string;
  /** Writes files (paths relative to the repository root); `null` deletes one. */
  write(files: Record<string, string | null>): Promise<void>;
  /** Commits everything and pushes the branch; returns the new commit's SHA. */
  commitAndPush(message: string): Promise<string>;
}

/**
 * Starts a Git server for tests. With `token`, every request must carry HTTP Basic credentials
 * whose password is the token (as GitHub and Bitbucket take access tokens); others get a 401.
 */
export async function startGitHttpServer(
  options: { token?: string } = {},
): Promise<GitHttpServer> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'git-server-'));
  const requests = { refs: 0, uploadPacks: 0, refused: 0 };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (options.token) {
      const given = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
      const password = given
        ? Buffer.from(given[1], 'base64')
            .toString('utf8')
            .split(':')
            .slice(1)
            .join(':')
        : undefined;
      if (password !== options.token) {
        requests.refused += 1;
        response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
        response.end('authentication required');
        return;
      }
    }
    if (url.pathname.endsWith('/info/refs')) requests.refs += 1;
    if (url.pathname.endsWith('/git-upload-pack')) requests.uploadPacks += 1;
    const backend = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(
          request.headers['content-encoding'] ?? '',
        ),
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    request.pipe(backend.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    backend.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.subarray(0, end).toString('utf8').split('\r\n');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status')
          status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      response.writeHead(status, headers);
      headersSent = true;
      response.write(head.subarray(end + 4));
    });
    backend.on('close', () => {
      if (!headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const copies: string[] = [];
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    async createRepository(name, branch = 'main') {
      const bare = path.join(root, `${name}.git`);
      await fs.promises.mkdir(bare, { recursive: true });
      await run('git', [
        'init',
        '--bare',
        '-q',
        `--initial-branch=${branch}`,
        bare,
      ]);
      const directory = await fs.promises.mkdtemp(
        path.join(os.tmpdir(), 'git-copy-'),
      );
      copies.push(directory);
      await run('git', ['init', '-q', `--initial-branch=${branch}`, directory]);
      const git = (...args: string[]) =>
        run('git', args, {
          cwd: directory,
          env: { ...process.env, ...COMMITTER },
        });
      await git('remote', 'add', 'origin', bare);
      return {
        directory,
        async write(files) {
          for (const [file, content] of Object.entries(files)) {
            const target = path.join(directory, file);
            if (content === null) {
              await fs.promises.rm(target, { recursive: true, force: true });
            } else {
              await fs.promises.mkdir(path.dirname(target), {
                recursive: true,
              });
              await fs.promises.writeFile(target, content);
            }
          }
        },
        async commitAndPush(message) {
          await git('add', '-A');
          await git('commit', '-q', '--allow-empty', '-m', message);
          await git('push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
          return (await git('rev-parse', 'HEAD')).stdout.trim();
        },
      };
    },
    async stop() {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const directory of [root, ...copies]) {
        await fs.promises.rm(directory, { recursive: true, force: true });
      }
    },
  };
}
