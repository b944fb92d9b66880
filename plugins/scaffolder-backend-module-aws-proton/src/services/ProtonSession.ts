import { ProtonClient } from '@aws-sdk/client-proton';
import {
  callProton,
  DeploymentLogText,
  ProtonClientFactory,
  ProtonTarget,
  readDeploymentLog,
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
    return new ProtonSession(await clients.getClient(resolved), resolved, {
      endpoint: clients.settings.endpoint,
      timeoutMs: clients.settings.requestTimeoutMs,
    });
  }

  constructor(
    readonly client: ProtonClient,
    readonly target: ProtonTarget,
    private readonly logs: { endpoint?: string; timeoutMs: number },
  ) {}

  /** Whether deployment logs can be read: only from the control plane (AWS Proton keeps none). */
  get hasDeploymentLogs(): boolean {
    return Boolean(this.logs.endpoint);
  }

  /**
   * A deployment's log from the control plane's log route (see `readDeploymentLog`).
   *
   * @throws NotFoundError when there is no log (yet), or no control plane
   */
  readDeploymentLog(deploymentId: string): Promise<DeploymentLogText> {
    return readDeploymentLog(
      this.client,
      this.logs.endpoint,
      deploymentId,
      this.logs.timeoutMs,
    );
  }

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
