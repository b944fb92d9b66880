import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  ProtonServerCredentials,
  ResolvedCredentials,
  SigV4Expectations,
} from './sigv4Verification';

/**
 * Temporary credentials of one deployment, in the shape of AWS's (access key id, secret access key,
 * session token): what a bundle's steps sign their calls back to the control plane with.
 *
 * @public
 */
export interface DeploymentCredentialSet {
  /** The access key ID, starting with `PSDK`; steps get it as `PROTON_CALLBACK_ACCESS_KEY_ID`. */
  accessKeyId: string;
  /** The secret access key (`PROTON_CALLBACK_SECRET_ACCESS_KEY`); redacted from deployment logs. */
  secretAccessKey: string;
  /**
   * The session token naming the deployment (`PROTON_CALLBACK_SESSION_TOKEN`); redacted from
   * deployment logs.
   */
  sessionToken: string;
}

/** The access key ids of deployment credentials start with this; static keys may not. */
export const DEPLOYMENT_ACCESS_KEY_PREFIX = 'PSDK';
const TOKEN_PREFIX = 'PSD1';

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

/**
 * Issues and recognizes per-deployment credentials without storing them: each is derived with
 * HMAC-SHA256 from a key of the control plane and the deployment id, and the session token carries
 * the deployment id with a MAC. Every server that shares the control plane's configured credentials
 * derives the same key, so any replica verifies what another issued. What the credentials may do,
 * and that they stop working when their deployment ends, is decided where requests are authorized
 * (see `DeploymentPrincipal`).
 */
export class DeploymentCredentials {
  private constructor(private readonly key: Buffer) {}

  /**
   * Derives the key from the first of the control plane's credentials (all replicas share them).
   *
   * @throws Error when there are no credentials
   */
  static fromServerCredentials(
    credentials: ProtonServerCredentials[],
  ): DeploymentCredentials {
    if (credentials.length === 0) {
      throw new Error('The control plane has no credentials');
    }
    return new DeploymentCredentials(
      createHmac('sha256', credentials[0].secretAccessKey)
        .update('proton-server deployment credentials v1')
        .digest(),
    );
  }

  private mac(purpose: string, deploymentId: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`${purpose}\n${deploymentId}`)
      .digest();
  }

  /** The credentials of a deployment (the same every time for the same deployment). */
  issue(deploymentId: string): DeploymentCredentialSet {
    return {
      accessKeyId: `${DEPLOYMENT_ACCESS_KEY_PREFIX}${this.mac(
        'access-key-id',
        deploymentId,
      )
        .toString('hex')
        .slice(0, 16)
        .toUpperCase()}`,
      secretAccessKey: base64url(this.mac('secret', deploymentId)),
      sessionToken: `${TOKEN_PREFIX}.${base64url(
        Buffer.from(deploymentId, 'utf8'),
      )}.${base64url(this.mac('token', deploymentId))}`,
    };
  }

  /**
   * Recognizes deployment credentials from a request's access key id and session token.
   *
   * @returns the deployment and its secret, or undefined when they are not this control plane's
   */
  resolve(
    accessKeyId: string,
    sessionToken: string | undefined,
  ): { deploymentId: string; secretAccessKey: string } | undefined {
    if (
      !sessionToken ||
      !accessKeyId.startsWith(DEPLOYMENT_ACCESS_KEY_PREFIX)
    ) {
      return undefined;
    }
    const parts = sessionToken.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) return undefined;
    const deploymentId = Buffer.from(parts[1], 'base64url').toString('utf8');
    const given = Buffer.from(parts[2], 'base64url');
    const expected = this.mac('token', deploymentId);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    const issued = this.issue(deploymentId);
    if (issued.accessKeyId !== accessKeyId) return undefined;
    return { deploymentId, secretAccessKey: issued.secretAccessKey };
  }
}

const OPERATOR = { kind: 'operator' } as const;

/**
 * The credentials the control plane accepts: its configured key pairs (operators), and the
 * temporary credentials of deployments when `deployments` is given.
 */
export function createCredentialResolver(
  staticCredentials: ProtonServerCredentials[],
  deployments?: DeploymentCredentials,
): SigV4Expectations['resolveCredentials'] {
  const byKey = new Map<string, ResolvedCredentials>(
    staticCredentials.map(credentials => [
      credentials.accessKeyId,
      { signingCredentials: credentials, principal: OPERATOR },
    ]),
  );
  return (accessKeyId, sessionToken) => {
    const known = byKey.get(accessKeyId);
    if (known || !deployments) return known;
    const deployment = deployments.resolve(accessKeyId, sessionToken);
    return deployment
      ? {
          signingCredentials: {
            accessKeyId,
            secretAccessKey: deployment.secretAccessKey,
          },
          principal: {
            kind: 'deployment',
            deploymentId: deployment.deploymentId,
          },
        }
      : undefined;
  };
}
