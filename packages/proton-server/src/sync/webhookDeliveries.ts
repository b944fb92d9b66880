import type { IncomingHttpHeaders } from 'node:http';
import type { Knex } from 'knex';
import type { SyncedBranch } from '../store/repositoryStore';
import { branchesToSync } from '../store/serviceSyncStore';
import type { GitConnection } from './gitConnections';
import {
  hasSignature,
  hasValidSignature,
  readWebhookEvent,
} from './pushWebhooks';

/** The answer to a webhook delivery. */
export interface WebhookResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

/** What answering a webhook needs: the connections' secrets, and a way to request syncs. */
export interface WebhookSync {
  knex: Knex;
  connections: GitConnection[];
  request(branch: SyncedBranch): Promise<void>;
}

/**
 * Answers a push webhook: checks its signature against the connections' webhook secrets, then
 * requests, in each repository linked through a connection whose secret signed it, the template sync
 * of the pushed branch (when templates follow it) and the service sync of every service reading its
 * proton-ops file from the repository (the file may name the pushed branch for an instance).
 */
export async function answerWebhook(
  sync: WebhookSync,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<WebhookResponse> {
  const withSecrets = sync.connections.filter(c => c.webhookSecret);
  if (withSecrets.length === 0) {
    return {
      statusCode: 404,
      body: {
        message:
          'No Git connection of this control plane has a webhook secret (protonServer.git.connections[].webhookSecret)',
      },
    };
  }
  if (!hasSignature(headers)) {
    return {
      statusCode: 401,
      body: {
        message:
          'The webhook has no X-Hub-Signature-256 (GitHub) or X-Hub-Signature (Bitbucket) header',
      },
    };
  }
  const signers = withSecrets.filter(c =>
    hasValidSignature(headers, body, c.webhookSecret!),
  );
  if (signers.length === 0) {
    return {
      statusCode: 401,
      body: {
        message:
          "The webhook's signature does not match the webhook secret of any Git connection",
      },
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {
      statusCode: 400,
      body: { message: 'The webhook body is not JSON' },
    };
  }
  let webhookEvent;
  try {
    webhookEvent = readWebhookEvent(headers, parsed);
  } catch (error) {
    return { statusCode: 400, body: { message: (error as Error).message } };
  }
  if (webhookEvent.kind !== 'push') {
    return {
      statusCode: 200,
      body: {
        message:
          webhookEvent.kind === 'ping'
            ? 'pong'
            : `Ignored: ${webhookEvent.reason}`,
      },
    };
  }
  const arns = signers.map(c => c.arn);
  const requested: string[] = [];
  for (const pushed of webhookEvent.branches) {
    const repositories = await sync
      .knex('repositories')
      .where({ name: pushed.repositoryName })
      .whereIn('connection_arn', arns);
    for (const repository of repositories) {
      for (const branch of await branchesToSync(
        sync.knex,
        repository.provider,
        repository.name,
        pushed.branch,
      )) {
        await sync.request(branch);
        requested.push(
          `${repository.provider}:${repository.name}@${branch.branch}${
            branch.syncType === 'SERVICE_SYNC' ? ' (service sync)' : ''
          }`,
        );
      }
    }
  }
  return {
    statusCode: 202,
    body: {
      message:
        requested.length > 0
          ? `Sync requested for ${requested.join(', ')}`
          : 'No synced branch was pushed',
      syncs: requested,
    },
  };
}
