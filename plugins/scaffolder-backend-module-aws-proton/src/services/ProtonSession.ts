import { ProtonClient } from '@aws-sdk/client-proton';
import {
  callProton,
  ProtonClientFactory,
  ProtonTarget,
} from '@proton-platform/plugin-aws-proton-node';

/**
 * A Proton client bound to the account and region an action runs against. Every call goes through
 * `callProton`, so a failure becomes a message naming the operation, the resource, the account and
 * the region (and the IAM action on AccessDeniedException).
 */
export class ProtonSession {
  /** Resolves the target (defaults from `awsProton`, refusing accounts and regions not allowed). */
  static async open(
    clients: ProtonClientFactory,
    target: Partial<ProtonTarget>,
  ): Promise<ProtonSession> {
    const resolved = clients.resolveTarget(target);
    return new ProtonSession(await clients.getClient(resolved), resolved);
  }

  constructor(readonly client: ProtonClient, readonly target: ProtonTarget) {}

  /** Runs one Proton call, with `operation` (such as `GetService`) and `resource` for its error. */
  call<T>(
    operation: string,
    resource: string,
    send: (client: ProtonClient) => Promise<T>,
  ): Promise<T> {
    return callProton({ operation, resource, ...this.target }, () =>
      send(this.client),
    );
  }
}

/** Whether an error from `ProtonSession.call` means the resource does not exist. */
export function isNotFound(error: unknown): boolean {
  return (error as Error)?.name === 'NotFoundError';
}
