import { createHash } from 'node:crypto';

/**
 * A Proton `clientToken` that is the same each time a task step asks for the same change (the
 * resource and the request's parameters), so that a retried request within Proton's idempotency
 * window returns the first result instead of repeating the change, while another change gets
 * another token.
 */
export function stepClientToken(
  taskId: string,
  stepId: string | undefined,
  ...resource: string[]
): string {
  return createHash('sha256')
    .update([taskId, stepId ?? '', ...resource].join('/'))
    .digest('hex')
    .slice(0, 32);
}
