import { createHmac } from 'node:crypto';

/**
 * Posts a GitHub `push` webhook for `branch` of `repositoryName` at `sha` to the control plane's
 * `/webhooks/git`, signed with `secret` (`X-Hub-Signature-256`), as GitHub delivers one.
 *
 * @returns the answer's status and JSON body
 */
export async function postPushWebhook(
  endpoint: string,
  push: {
    repositoryName: string;
    branch?: string;
    sha: string;
    secret: string;
  },
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({
    ref: `refs/heads/${push.branch ?? 'main'}`,
    after: push.sha,
    repository: { full_name: push.repositoryName },
  });
  const response = await fetch(`${endpoint}/webhooks/git`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': `sha256=${createHmac('sha256', push.secret)
        .update(body)
        .digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}
