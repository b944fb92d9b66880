import { DEPLOYMENT_ACCESS_KEY_PREFIX } from './protocol/deploymentCredentials';
import type { ProtonServerCredentials } from './protocol/sigv4Verification';

/**
 * Access key ids starting with this are development keys: the pair this repository publishes for
 * the demo (`proton-dev` / `proton-dev-secret`) and any other a developer names so. A control plane
 * accepts them only in development.
 *
 * @public
 */
export const DEVELOPMENT_ACCESS_KEY_PREFIX = 'proton-dev';

/**
 * The shortest secret access key accepted outside development (AWS's own are 40 characters).
 *
 * @public
 */
export const MIN_SECRET_ACCESS_KEY_LENGTH = 20;

/**
 * Whether this process runs in development: `NODE_ENV` is `development` (as `backstage-cli package
 * start` sets it) or `test`. Anything else, unset included, counts as production.
 *
 * @public
 */
export function isDevelopmentEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
}

/** How to name the credentials in an error, and how to fix them. */
export interface CredentialSource {
  /** Names the i-th key pair where it was configured, e.g. `protonServer.credentials[0]`. */
  name(index: number): string;
  /** Names the whole list, e.g. `protonServer.credentials`. */
  list: string;
  /** What to do, e.g. which variables to set. */
  remedy: string;
}

/**
 * Refuses credentials a control plane must not accept: none at all, an incomplete key pair, an
 * access key id reserved for deployments' temporary credentials, and outside development the
 * development key pair and secrets shorter than {@link MIN_SECRET_ACCESS_KEY_LENGTH} characters
 * (anyone who can reach the control plane could sign with them).
 *
 * @throws Error whose message names the setting at fault and how to fix it
 * @public
 */
export function assertAcceptableCredentials(
  credentials: Array<Partial<ProtonServerCredentials>>,
  source: CredentialSource,
  development: boolean = isDevelopmentEnvironment(),
): asserts credentials is ProtonServerCredentials[] {
  if (credentials.length === 0) {
    throw new Error(
      `${source.list} is not set: the control plane would accept no request. ${source.remedy}`,
    );
  }
  credentials.forEach((pair, index) => {
    const name = source.name(index);
    if (!pair.accessKeyId || !pair.secretAccessKey) {
      throw new Error(
        `${name} has no ${
          pair.accessKeyId ? 'secretAccessKey' : 'accessKeyId'
        }. ${source.remedy}`,
      );
    }
    if (pair.accessKeyId.startsWith(DEPLOYMENT_ACCESS_KEY_PREFIX)) {
      throw new Error(
        `${name}: access key ids starting with ${DEPLOYMENT_ACCESS_KEY_PREFIX} are reserved for the ` +
          `temporary credentials of deployments. ${source.remedy}`,
      );
    }
    if (development) return;
    if (pair.accessKeyId.startsWith(DEVELOPMENT_ACCESS_KEY_PREFIX)) {
      throw new Error(
        `${name} is a development key pair (access key id ${pair.accessKeyId}), which is published ` +
          `with this project: it is accepted only when NODE_ENV is development or test. ${source.remedy}`,
      );
    }
    if (pair.secretAccessKey.length < MIN_SECRET_ACCESS_KEY_LENGTH) {
      throw new Error(
        `${name} has a secretAccessKey of ${pair.secretAccessKey.length} characters; outside ` +
          `development it must have at least ${MIN_SECRET_ACCESS_KEY_LENGTH} ` +
          `(for example from: openssl rand -base64 30). ${source.remedy}`,
      );
    }
  });
}
