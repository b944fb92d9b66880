import { createHmac } from 'node:crypto';
import { hasValidSignature, readWebhookEvent } from './pushWebhooks';

/**
 * Push webhooks as GitHub ("Webhook events and payloads": push; "Validating webhook deliveries")
 * and Bitbucket (Cloud "Event payloads": repo:push; Data Center "Event payload": repo:refs_changed)
 * document them.
 */

const SHA = 'a'.repeat(40);

describe('readWebhookEvent', () => {
  it('reads a GitHub push of a branch and leaves out deletions and tags', () => {
    const headers = { 'x-github-event': 'push' };
    const repository = { full_name: 'platform/templates' };
    expect(
      readWebhookEvent(headers, {
        ref: 'refs/heads/main',
        after: SHA,
        repository,
      }),
    ).toEqual({
      kind: 'push',
      branches: [
        { repositoryName: 'platform/templates', branch: 'main', sha: SHA },
      ],
    });
    for (const payload of [
      { ref: 'refs/heads/main', after: '0'.repeat(40), repository },
      { ref: 'refs/tags/v1', after: SHA, repository },
    ]) {
      expect(readWebhookEvent(headers, payload)).toEqual({
        kind: 'push',
        branches: [],
      });
    }
    expect(() => readWebhookEvent(headers, { ref: 'refs/heads/main' })).toThrow(
      'The push event has no repository.full_name',
    );
    expect(readWebhookEvent({ 'x-github-event': 'ping' }, {})).toEqual({
      kind: 'ping',
    });
    expect(readWebhookEvent({ 'x-github-event': 'issues' }, {})).toEqual({
      kind: 'ignored',
      reason: 'the event issues is not a push',
    });
  });

  it('reads Bitbucket Cloud repo:push and Data Center repo:refs_changed', () => {
    expect(
      readWebhookEvent(
        { 'x-event-key': 'repo:push' },
        {
          repository: { full_name: 'team/templates' },
          push: {
            changes: [
              { new: { type: 'branch', name: 'main', target: { hash: SHA } } },
              { new: { type: 'tag', name: 'v1', target: { hash: SHA } } },
              { new: null, old: { type: 'branch', name: 'gone' } },
            ],
          },
        },
      ),
    ).toEqual({
      kind: 'push',
      branches: [
        { repositoryName: 'team/templates', branch: 'main', sha: SHA },
      ],
    });
    expect(
      readWebhookEvent(
        { 'x-event-key': 'repo:refs_changed' },
        {
          repository: { slug: 'templates', project: { key: 'PLAT' } },
          changes: [
            {
              ref: { type: 'BRANCH', displayId: 'main' },
              toHash: SHA,
              type: 'UPDATE',
            },
            {
              ref: { type: 'BRANCH', displayId: 'old' },
              toHash: SHA,
              type: 'DELETE',
            },
            { ref: { type: 'TAG', displayId: 'v1' }, toHash: SHA, type: 'ADD' },
          ],
        },
      ),
    ).toEqual({
      kind: 'push',
      branches: [
        { repositoryName: 'PLAT/templates', branch: 'main', sha: SHA },
      ],
    });
  });
});

describe('hasValidSignature', () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');
  const signature = `sha256=${createHmac('sha256', 'secret')
    .update(body)
    .digest('hex')}`;

  it('accepts GitHub’s X-Hub-Signature-256 and Bitbucket’s X-Hub-Signature made with the secret', () => {
    expect(
      hasValidSignature({ 'x-hub-signature-256': signature }, body, 'secret'),
    ).toBe(true);
    expect(
      hasValidSignature({ 'x-hub-signature': signature }, body, 'secret'),
    ).toBe(true);
  });

  it('refuses another secret, another body, another algorithm and a truncated signature', () => {
    expect(
      hasValidSignature({ 'x-hub-signature-256': signature }, body, 'other'),
    ).toBe(false);
    expect(
      hasValidSignature(
        { 'x-hub-signature-256': signature },
        Buffer.from('{}'),
        'secret',
      ),
    ).toBe(false);
    expect(
      hasValidSignature(
        {
          'x-hub-signature': `sha1=${createHmac('sha1', 'secret')
            .update(body)
            .digest('hex')}`,
        },
        body,
        'secret',
      ),
    ).toBe(false);
    expect(
      hasValidSignature(
        { 'x-hub-signature-256': signature.slice(0, 40) },
        body,
        'secret',
      ),
    ).toBe(false);
    expect(hasValidSignature({}, body, 'secret')).toBe(false);
  });
});
