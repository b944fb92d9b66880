import type { ProtonClient } from '@aws-sdk/client-proton';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

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
 *   NotAllowedError when the control plane refuses the credentials; ServiceUnavailableError when it
 *   cannot be reached in time
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
  const base = new URL(endpoint);
  const path = `${base.pathname.replace(
    /\/+$/,
    '',
  )}/deployments/${encodeURIComponent(deploymentId)}/log`;
  const signer = new SignatureV4({
    service: 'proton',
    region: await client.config.region(),
    credentials: client.config.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      headers: { host: base.host },
    }),
  );
  const what = `the log of deployment ${deploymentId}`;
  let response: Response;
  let body: Buffer;
  try {
    response = await fetch(new URL(path, base), {
      headers: signed.headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // the timeout covers the body too: a log still growing can be long
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new ServiceUnavailableError(
      `The control plane at ${base.host} could not be reached for ${what}: ${
        cause?.message ?? (error as Error).message
      }`,
    );
  }
  if (response.ok) {
    // a running deployment's log comes whole; an ended one's, past 1 MiB, starts with a line
    // saying how much the control plane left out
    const cut = body.length > MAX_DEPLOYMENT_LOG_BYTES;
    let start = cut ? body.length - MAX_DEPLOYMENT_LOG_BYTES : 0;
    // not inside a character: skip UTF-8 continuation bytes (10xxxxxx)
    while (cut && start < body.length && (body[start] & 0xc0) === 0x80) {
      start += 1;
    }
    const text = body.subarray(start).toString('utf8');
    return { text, truncated: cut || STORED_LOG_CUT.test(text) };
  }
  let detail = `HTTP ${response.status}`;
  try {
    detail = JSON.parse(body.toString('utf8')).message ?? detail;
  } catch {
    // not the control plane's JSON error: the status says enough
  }
  if (response.status === 404) {
    throw new NotFoundError(
      `The control plane has no log of deployment ${deploymentId} (${detail})`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new NotAllowedError(
      `The control plane at ${base.host} refused ${what} to the credentials Backstage uses (${detail})`,
    );
  }
  throw new ServiceUnavailableError(
    `The control plane at ${base.host} did not serve ${what}: ${detail}`,
  );
}
