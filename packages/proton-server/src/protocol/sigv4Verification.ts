import { timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ProtonApiError } from './errors';
import { NodeSha256 } from './nodeSha256';

/**
 * A pair of static credentials the control plane accepts.
 *
 * @public
 */
export interface ProtonServerCredentials {
  /** The access key ID requests are signed with; IDs starting with `PSDK` are reserved for deployments. */
  accessKeyId: string;
  /** The secret access key the SigV4 signatures are checked with. */
  secretAccessKey: string;
}

/**
 * Who signed a request: an operator (a client with the control plane's configured credentials), or
 * the steps of one deployment (its temporary credentials), which may do much less.
 */
export type RequestPrincipal =
  | { kind: 'operator' }
  | { kind: 'deployment'; deploymentId: string }
  /** Service sync deploying what a commit changed: its updates raise no sync blocker. */
  | { kind: 'serviceSync' };

/** The secret a request's access key signs with, and who holds it. */
export interface ResolvedCredentials {
  /** The object to sign with; the same object each time for static keys (signers are cached by it). */
  signingCredentials: ProtonServerCredentials;
  principal: RequestPrincipal;
}

/** What the verifier needs to know about an incoming request. */
export interface SignedRequest {
  method: string;
  /** The path and query string as received, e.g. `/` or `/?a=b`. */
  url: string;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Where and how requests must be signed. */
export interface SigV4Expectations {
  /** The secret of an access key (and session token, for temporary credentials), or undefined. */
  resolveCredentials(
    accessKeyId: string,
    sessionToken: string | undefined,
  ): ResolvedCredentials | undefined;
  region: string;
  service: string;
  /** Largest accepted distance between the request's time and ours. */
  maxClockSkewMs: number;
  now: () => Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE_PATTERN = /^(\d{8})T\d{6}Z$/;

function headerValue(
  headers: SignedRequest['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function incomplete(message: string): ProtonApiError {
  return new ProtonApiError('IncompleteSignatureException', message);
}

function invalid(message: string): ProtonApiError {
  return new ProtonApiError('InvalidSignatureException', message);
}

function parseAmzDate(value: string): Date {
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(
    6,
    8,
  )}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  return new Date(iso);
}

function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function checkClockSkew(
  amzDate: string,
  signedAt: Date,
  expect: SigV4Expectations,
): void {
  const now = expect.now();
  const skew = signedAt.getTime() - now.getTime();
  const minutes = Math.round(expect.maxClockSkewMs / 60000);
  if (skew < -expect.maxClockSkewMs) {
    throw invalid(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(
        new Date(now.getTime() - expect.maxClockSkewMs),
      )} (${formatAmzDate(now)} - ${minutes} min.)`,
    );
  }
  if (skew > expect.maxClockSkewMs) {
    throw invalid(
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(
        new Date(now.getTime() + expect.maxClockSkewMs),
      )} (${formatAmzDate(now)} + ${minutes} min.)`,
    );
  }
}

/**
 * Verifies a request's AWS Signature Version 4 the way AWS does: parses the Authorization header,
 * checks the credential scope (date, region, service), the clock skew and the payload hash, then
 * recomputes the signature with `@smithy/signature-v4` over exactly the headers the client signed
 * and compares the two in constant time.
 *
 * @returns the access key id the request was signed with, and who holds it
 * @throws ProtonApiError MissingAuthenticationTokenException, IncompleteSignatureException,
 *   UnrecognizedClientException or InvalidSignatureException
 */
export async function verifySigV4(
  request: SignedRequest,
  expect: SigV4Expectations,
): Promise<{ accessKeyId: string; principal: RequestPrincipal }> {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) {
    throw new ProtonApiError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  }
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw incomplete(
      `Authorization header requires the ${ALGORITHM} algorithm with Credential, SignedHeaders and Signature parameters`,
    );
  }
  const match = AUTHORIZATION_PATTERN.exec(authorization);
  if (!match) {
    throw incomplete(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, separated by commas",
    );
  }
  const [, credential, signedHeaderList, signature] = match;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    throw incomplete(
      "Credential should be of the form '<access key>/<date>/<region>/<service>/aws4_request'",
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scope;
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) {
    throw incomplete("'Host' must be a signed header");
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const dateMatch = amzDate ? AMZ_DATE_PATTERN.exec(amzDate) : null;
  if (!amzDate || !dateMatch || !signedHeaders.includes('x-amz-date')) {
    throw incomplete(
      "Authorization header requires existence of a signed 'X-Amz-Date' header in the form YYYYMMDD'T'HHMMSS'Z'",
    );
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt.getTime())) {
    throw incomplete(`X-Amz-Date ${amzDate} is not a valid date`);
  }
  const missing = signedHeaders.filter(
    name => request.headers[name] === undefined,
  );
  if (missing.length > 0) {
    throw incomplete(
      `Signed header(s) ${missing.join(', ')} are missing from the request`,
    );
  }

  const sessionToken = headerValue(request.headers, 'x-amz-security-token');
  if (
    sessionToken !== undefined &&
    !signedHeaders.includes('x-amz-security-token')
  ) {
    throw incomplete("'X-Amz-Security-Token' must be a signed header");
  }
  const known = expect.resolveCredentials(accessKeyId, sessionToken);
  if (!known) {
    throw new ProtonApiError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (scopeDate !== dateMatch[1]) {
    throw invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateMatch[1]}', from '${amzDate}'.`,
    );
  }
  if (scopeService !== expect.service) {
    throw invalid(
      `Credential should be scoped to correct service: '${expect.service}'.`,
    );
  }
  if (scopeRegion !== expect.region) {
    throw invalid(
      `Credential should be scoped to a valid region. This control plane serves '${expect.region}'.`,
    );
  }
  checkClockSkew(amzDate, signedAt, expect);

  const payloadHasher = new NodeSha256();
  payloadHasher.update(request.body);
  const actualPayloadHash = Buffer.from(await payloadHasher.digest()).toString(
    'hex',
  );
  const claimedPayloadHash = headerValue(
    request.headers,
    'x-amz-content-sha256',
  );
  if (
    claimedPayloadHash !== undefined &&
    claimedPayloadHash !== actualPayloadHash
  ) {
    throw invalid(
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }

  const expected = await computeSignature(
    request,
    signedHeaders,
    signedAt,
    known.signingCredentials,
    expect,
  );
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId, principal: known.principal };
}

/** Signers by credentials and scope: a signer caches its signing keys, one per day. */
const signers = new WeakMap<
  ProtonServerCredentials,
  Map<string, SignatureV4>
>();

function signerFor(
  credentials: ProtonServerCredentials,
  expect: SigV4Expectations,
): SignatureV4 {
  let byScope = signers.get(credentials);
  if (!byScope) {
    byScope = new Map();
    signers.set(credentials, byScope);
  }
  const scope = `${expect.region}/${expect.service}`;
  let signer = byScope.get(scope);
  if (!signer) {
    signer = new SignatureV4({
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
      region: expect.region,
      service: expect.service,
      sha256: NodeSha256,
      applyChecksum: false,
    });
    byScope.set(scope, signer);
  }
  return signer;
}

async function computeSignature(
  request: SignedRequest,
  signedHeaders: string[],
  signedAt: Date,
  credentials: ProtonServerCredentials,
  expect: SigV4Expectations,
): Promise<Buffer> {
  const url = new URL(request.url, 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    headers[name] = headerValue(request.headers, name) ?? '';
  }
  const signer = signerFor(credentials, expect);
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: headers.host,
      path: url.pathname,
      query,
      headers,
      body: request.body,
    }),
    { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
  );
  const recomputed = /Signature=([0-9a-f]{64})/.exec(
    String(signed.headers.authorization),
  );
  return Buffer.from(recomputed ? recomputed[1] : '', 'hex');
}
