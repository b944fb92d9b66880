import type { ProtonClient } from '@aws-sdk/client-proton';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** A request to one of the control plane's own routes (beside the Proton API at `POST /`). */
export interface ControlPlaneRouteRequest {
  method: 'GET' | 'POST';
  /** The route's path below the endpoint's, e.g. `/deployments/<id>/log`. */
  path: string;
  /** A JSON body, for POST. */
  body?: string;
  /** What is asked for, in words, for error messages (`the log of deployment d-1`). */
  what: string;
}

/**
 * Calls a route of the Proton-compatible control plane, signed with SigV4 (signing name `proton`)
 * with the client's own credentials and Region, as every Proton request is.
 *
 * @returns the answer of a 2xx response, read whole within the timeout
 * @throws NotFoundError for a 404, InputError for a 400, ConflictError for a 409 (each with the
 *   control plane's message); NotAllowedError for 401 and 403; ServiceUnavailableError when it
 *   cannot be reached in time or answers otherwise
 */
export async function callControlPlaneRoute(
  client: ProtonClient,
  endpoint: string,
  request: ControlPlaneRouteRequest,
  timeoutMs: number,
): Promise<{ response: Response; body: Buffer }> {
  const base = new URL(endpoint);
  const path = `${base.pathname.replace(/\/+$/, '')}${request.path}`;
  const signer = new SignatureV4({
    service: 'proton',
    region: await client.config.region(),
    credentials: client.config.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const headers: Record<string, string> = { host: base.host };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      headers,
      body: request.body,
    }),
  );
  let response: Response;
  let body: Buffer;
  try {
    response = await fetch(new URL(path, base), {
      method: request.method,
      headers: signed.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // the timeout covers the body too
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new ServiceUnavailableError(
      `The control plane at ${base.host} could not be reached for ${
        request.what
      }: ${cause?.message ?? (error as Error).message}`,
    );
  }
  if (response.ok) return { response, body };
  let detail = `HTTP ${response.status}`;
  try {
    detail = JSON.parse(body.toString('utf8')).message ?? detail;
  } catch {
    // not the control plane's JSON error: the status says enough
  }
  if (response.status === 404) {
    throw new NotFoundError(detail);
  }
  if (response.status === 401 || response.status === 403) {
    throw new NotAllowedError(
      `The control plane at ${base.host} refused ${request.what} to the credentials Backstage uses (${detail})`,
    );
  }
  if (response.status === 400) throw new InputError(detail);
  if (response.status === 409) throw new ConflictError(detail);
  throw new ServiceUnavailableError(
    `The control plane at ${base.host} did not serve ${request.what}: ${detail}`,
  );
}
