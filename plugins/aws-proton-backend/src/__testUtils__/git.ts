import { execFileSync } from 'node:child_process';

/**
 * Runs `git` in `cwd` with a committer of its own (no global Git configuration needed), for tests
 * that make repositories for the control plane's Git connections; returns its output, trimmed.
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Platform',
      GIT_AUTHOR_EMAIL: 'platform@example.com',
      GIT_COMMITTER_NAME: 'Platform',
      GIT_COMMITTER_EMAIL: 'platform@example.com',
    },
  }).trim();
}
