import type { ProtonClient } from '@aws-sdk/client-proton';
import { NotFoundError } from '@backstage/errors';
import { callControlPlaneRoute } from './controlPlaneRoutes';

/**
 * The longest log handed on, in bytes (1 MiB, as the control plane keeps); a longer one keeps its
 * end, where the failure is.
 *
 * @public
 */
export const MAX_DEPLOYMENT_LOG_BYTES = 1024 * 1024;

/** The first line of an ended deployment's log whose beginning the control plane left out. */
const STORED_LOG_CUT =
  /^\[the first \d+ bytes of this log were left out: the control plane keeps its last \d+\]\n/;

/**
 * A deployment's log as the control plane serves it.
 *
 * @public
 */
export interface DeploymentLogText {
  /** The log, UTF-8 text; its last {@link MAX_DEPLOYMENT_LOG_BYTES} bytes when it is longer. */
  text: string;
  /**
   * True when the beginning of a longer log was left out: here (past
   * {@link MAX_DEPLOYMENT_LOG_BYTES}), or by the control plane, which keeps the last 1 MiB of an
   * ended deployment's log after a first line saying so.
   */
  truncated: boolean;
}

/**
 * Reads a deployment's log from the Proton-compatible control plane's log route
 * (`GET <endpoint>/deployments/<id>/log`), signed with SigV4 (signing name `proton`) with the
 * client's own credentials and Region, as every Proton request is. AWS Proton itself has no log
 * API (its deployments log to CodeBuild or CloudFormation), so without `endpoint` there is nothing to
 * read.
 *
 * @param client - the Proton client of the deployment's account and Region (its credentials sign)
 * @param endpoint - `awsProton.endpoint`, the control plane's base URL
 * @param deploymentId - the deployment's ID, as Proton assigns it
 * @param timeoutMs - how long the request may take, in milliseconds
 * @throws NotFoundError when no control plane is configured or the deployment has no log (yet);
 *   NotAllowedError when the control plane refuses the credentials; InputError for a deployment ID
 *   it refuses; ServiceUnavailableError when it cannot be reached in time or fails
 * @public
 */
export async function readDeploymentLog(
  client: ProtonClient,
  endpoint: string | undefined,
  deploymentId: string,
  timeoutMs: number,
): Promise<DeploymentLogText> {
  if (!endpoint) {
    throw new NotFoundError(
      'AWS Proton keeps no deployment logs: read them in the CodeBuild project or CloudFormation stack of the deployment. Logs are shown when awsProton.endpoint points to the Proton-compatible control plane',
    );
  }
  let answer: { body: Buffer };
  try {
    answer = await callControlPlaneRoute(
      client,
      endpoint,
      {
        method: 'GET',
        path: `/deployments/${encodeURIComponent(deploymentId)}/log`,
        what: `the log of deployment ${deploymentId}`,
      },
      timeoutMs,
    );
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new NotFoundError(
        `The control plane has no log of deployment ${deploymentId} (${error.message})`,
      );
    }
    throw error;
  }
  const body = answer.body;
  // a running deployment's log comes whole; an ended one's, past 1 MiB, starts with a line saying
  // how much the control plane left out
  const cut = body.length > MAX_DEPLOYMENT_LOG_BYTES;
  let start = cut ? body.length - MAX_DEPLOYMENT_LOG_BYTES : 0;
  // not inside a character: skip UTF-8 continuation bytes (10xxxxxx)
  while (cut && start < body.length && (body[start] & 0xc0) === 0x80) {
    start += 1;
  }
  const text = body.subarray(start).toString('utf8');
  return { text, truncated: cut || STORED_LOG_CUT.test(text) };
}
