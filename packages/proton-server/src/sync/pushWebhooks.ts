import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A branch that a push moved, as a webhook announces it. */
export interface PushedBranch {
  /** The repository as `owner/repo` (Bitbucket Data Center: `PROJECT/repo`). */
  repositoryName: string;
  branch: string;
  /** The commit the branch now points at. */
  sha: string;
}

/** What a webhook delivery holds, once its signature is known to be good. */
export type WebhookEvent =
  | { kind: 'push'; branches: PushedBranch[] }
  | { kind: 'ping' }
  | { kind: 'ignored'; reason: string };

/** The first value of a header. */
function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether `body` carries a good signature made with `secret`: GitHub's (and Gitea's)
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, or Bitbucket's (Cloud and Data
 * Center) `X-Hub-Signature: sha256=<hex>`. Compared in constant time.
 */
export function hasValidSignature(
  headers: IncomingHttpHeaders,
  body: Buffer,
  secret: string,
): boolean {
  const signature =
    header(headers, 'x-hub-signature-256') ??
    header(headers, 'x-hub-signature');
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether the delivery carries a signature header at all. */
export function hasSignature(headers: IncomingHttpHeaders): boolean {
  return Boolean(
    header(headers, 'x-hub-signature-256') ??
      header(headers, 'x-hub-signature'),
  );
}

const NO_COMMIT = /^0+$/;

function branchName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith('refs/heads/')
    ? ref.slice('refs/heads/'.length)
    : undefined;
}

/**
 * Reads a push event: GitHub's `push` (`X-GitHub-Event`, also sent by Gitea and Forgejo),
 * Bitbucket Cloud's `repo:push` and Bitbucket Data Center's `repo:refs_changed` (`X-Event-Key`).
 * Deleted branches and tags are left out; other events are ignored.
 *
 * @throws Error with a message naming what is missing, for a push whose body is not the documented shape
 */
export function readWebhookEvent(
  headers: IncomingHttpHeaders,
  body: unknown,
): WebhookEvent {
  const payload = body as any;
  const githubEvent = header(headers, 'x-github-event');
  const bitbucketEvent = header(headers, 'x-event-key');
  if (githubEvent === 'ping' || bitbucketEvent === 'diagnostics:ping') {
    return { kind: 'ping' };
  }
  if (githubEvent === 'push') {
    const repositoryName = payload?.repository?.full_name;
    if (typeof repositoryName !== 'string') {
      throw new Error('The push event has no repository.full_name');
    }
    const branch = branchName(payload?.ref);
    const sha = payload?.after;
    if (!branch || typeof sha !== 'string' || NO_COMMIT.test(sha)) {
      return { kind: 'push', branches: [] };
    }
    return { kind: 'push', branches: [{ repositoryName, branch, sha }] };
  }
  if (bitbucketEvent === 'repo:push') {
    const repositoryName = payload?.repository?.full_name;
    const changes = payload?.push?.changes;
    if (typeof repositoryName !== 'string' || !Array.isArray(changes)) {
      throw new Error(
        'The repo:push event has no repository.full_name or push.changes',
      );
    }
    return {
      kind: 'push',
      branches: changes
        .map((change: any) => change?.new)
        .filter(
          (target: any) =>
            target?.type === 'branch' &&
            typeof target?.name === 'string' &&
            typeof target?.target?.hash === 'string',
        )
        .map((target: any) => ({
          repositoryName,
          branch: target.name,
          sha: target.target.hash,
        })),
    };
  }
  if (bitbucketEvent === 'repo:refs_changed') {
    const slug = payload?.repository?.slug;
    const project = payload?.repository?.project?.key;
    const changes = payload?.changes;
    if (
      typeof slug !== 'string' ||
      typeof project !== 'string' ||
      !Array.isArray(changes)
    ) {
      throw new Error(
        'The repo:refs_changed event has no repository.slug, repository.project.key or changes',
      );
    }
    return {
      kind: 'push',
      branches: changes
        .filter(
          (change: any) =>
            change?.ref?.type === 'BRANCH' &&
            change?.type !== 'DELETE' &&
            typeof change?.toHash === 'string' &&
            typeof change?.ref?.displayId === 'string',
        )
        .map((change: any) => ({
          repositoryName: `${project}/${slug}`,
          branch: change.ref.displayId,
          sha: change.toHash,
        })),
    };
  }
  return {
    kind: 'ignored',
    reason: `the event ${
      githubEvent ?? bitbucketEvent ?? '(unnamed)'
    } is not a push`,
  };
}
