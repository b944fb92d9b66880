import { randomUUID } from 'node:crypto';
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { PROTON_TARGET_PREFIX } from '../model/protonApiModel';
import { ERROR_TYPE_NAMESPACE, ProtonApiError } from './errors';
import { WireJsonText } from './wireFormat';
import type { RequestRateLimiter } from './requestRateLimiter';
import {
  RequestPrincipal,
  SigV4Expectations,
  verifySigV4,
} from './sigv4Verification';

/**
 * Where the control plane reports what clients cannot see: internal errors and background failures.
 * Backstage's LoggerService fits.
 *
 * @public
 */
export interface ProtonServerLogger {
  /**
   * Reports a routine event, such as moving the files of older template versions to the bundle
   * store at start.
   */
  info(message: string, meta?: Record<string, unknown>): void;
  /** Reports a problem that needs attention but stops nothing. */
  warn(message: string, meta?: Record<string, unknown>): void;
  /**
   * Reports a failure no client sees in full, with its error: a request answered with
   * InternalServerException, or a failed background task.
   */
  error(message: string, meta?: Record<string, unknown> | Error): void;
}

/** The operation runner the HTTP layer hands validated requests to. */
export interface OperationRunner {
  invoke(
    operation: string,
    input: unknown,
    principal: RequestPrincipal,
  ): Promise<unknown>;
}

/** What the HTTP layer needs. */
export interface RequestListenerOptions {
  runner: OperationRunner;
  sigv4: SigV4Expectations;
  /** Request bodies larger than this are refused with 413. */
  maxRequestBytes: number;
  /** Throttles each access key, when given. */
  rateLimiter?: RequestRateLimiter;
  logger: ProtonServerLogger;
  /** Reads a deployment's log for `GET /deployments/<id>/log`; undefined when there is none. */
  readDeploymentLog?(deploymentId: string): Promise<string | undefined>;
  /**
   * Answers `POST /previews/update-service-instance`: what an UpdateServiceInstance with this input
   * would deploy, without deploying; absent, the route answers UnknownOperationException.
   */
  previewServiceInstanceUpdate?(input: unknown): Promise<unknown>;
  /**
   * Answers `POST /webhooks/git`, a Git provider's push webhook (signed with a shared secret, not
   * SigV4); absent, the route answers 404.
   */
  handleWebhook?(
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  /** The URL the request was signed for, when mounted below a path; defaults to `request.url`. */
  signedUrl?: (request: IncomingMessage) => string;
  /** For tests and benchmarks only: no call is answered sooner than this after it came (ms). */
  responseDelayMs?: number;
}

/** The extension route serving deployment logs (signed like any request). */
const LOG_ROUTE = /^\/deployments\/([A-Za-z0-9-]{1,64})\/log$/;

/** The extension route previewing an UpdateServiceInstance (signed like any request, JSON in and out). */
const PREVIEW_ROUTE = '/previews/update-service-instance';

/** The media types an extension route takes a JSON body as (the AWS JSON protocol's included). */
const JSON_MEDIA_TYPES = [
  'application/json',
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
];

/** The extension route receiving Git push webhooks (signed with the connection's webhook secret). */
const WEBHOOK_ROUTE = '/webhooks/git';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

class BodyTooLargeError extends ProtonApiError {
  constructor(limit: number) {
    super(
      'RequestEntityTooLargeException',
      `The request body is larger than the ${limit} bytes this control plane accepts`,
    );
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function send(
  response: ServerResponse,
  requestId: string,
  statusCode: number,
  body: unknown,
  errorName?: string,
): void {
  const text = body instanceof WireJsonText ? body.text : JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  };
  if (errorName) headers['x-amzn-errortype'] = errorName;
  if (statusCode === 413) headers.connection = 'close';
  response.writeHead(statusCode, headers);
  response.end(text);
}

function operationName(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  const prefix = `${PROTON_TARGET_PREFIX}.`;
  if (typeof target !== 'string' || !target.startsWith(prefix)) {
    throw new ProtonApiError(
      'UnknownOperationException',
      `Requests must name an operation in the X-Amz-Target header as ${prefix}<Operation>`,
    );
  }
  return target.slice(prefix.length);
}

function parseInput(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProtonApiError(
      'SerializationException',
      'The request body is not valid JSON',
    );
  }
}

/**
 * Reads and verifies an extension route's request (SigV4, throttling): only an operator's
 * credentials may use them, never a deployment's.
 */
async function verifiedExtensionRequest(
  request: IncomingMessage,
  options: RequestListenerOptions,
  what: string,
): Promise<Buffer> {
  const body = await readBody(request, options.maxRequestBytes);
  const { accessKeyId, principal } = await verifySigV4(
    {
      method: request.method ?? 'GET',
      url: options.signedUrl?.(request) ?? request.url ?? '/',
      headers: request.headers,
      body,
    },
    options.sigv4,
  );
  options.rateLimiter?.take(accessKeyId);
  if (principal.kind !== 'operator') {
    throw new ProtonApiError(
      'AccessDeniedException',
      `A deployment's credentials cannot ${what}`,
    );
  }
  return body;
}

/** Answers `GET /deployments/<id>/log` with the log as text/plain, after verifying the signature. */
async function serveLog(
  request: IncomingMessage,
  response: ServerResponse,
  deploymentId: string,
  options: RequestListenerOptions,
): Promise<void> {
  await verifiedExtensionRequest(request, options, 'read deployment logs');
  const log = await options.readDeploymentLog?.(deploymentId);
  if (log === undefined) {
    throw new ProtonApiError(
      'ResourceNotFoundException',
      `The deployment ${deploymentId} has no log`,
    );
  }
  response.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(log),
  });
  response.end(log);
}

/** Answers `POST /previews/update-service-instance` with the preview, after verifying the signature. */
async function servePreview(
  request: IncomingMessage,
  options: RequestListenerOptions,
): Promise<unknown> {
  const body = await verifiedExtensionRequest(
    request,
    options,
    'preview updates',
  );
  if (!options.previewServiceInstanceUpdate) {
    throw new ProtonApiError(
      'UnknownOperationException',
      'This control plane does not preview updates',
    );
  }
  // a JSON body only: a form or text post (a browser's, say) is refused before it is read
  const contentType = (request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (!JSON_MEDIA_TYPES.includes(contentType)) {
    throw new ProtonApiError(
      'ValidationException',
      `An update preview takes a JSON body with Content-Type application/json${
        contentType ? `, not ${contentType}` : '; the request named none'
      }`,
    );
  }
  return options.previewServiceInstanceUpdate(parseInput(body));
}

/** Answers `POST /webhooks/git` with JSON: 202 when syncs were requested, 401 for a bad signature. */
async function serveWebhook(
  request: IncomingMessage,
  response: ServerResponse,
  options: RequestListenerOptions,
): Promise<void> {
  const body = await readBody(request, options.maxRequestBytes);
  const answer = options.handleWebhook
    ? await options.handleWebhook(request.headers, body)
    : {
        statusCode: 404,
        body: { message: 'This control plane does not receive Git webhooks' },
      };
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function handle(
  request: IncomingMessage,
  options: RequestListenerOptions,
): Promise<unknown> {
  if (request.method !== 'POST' || (request.url ?? '/').split('?')[0] !== '/') {
    throw new ProtonApiError(
      'UnknownOperationException',
      'This control plane speaks the AWS Proton API: POST / with an X-Amz-Target header',
    );
  }
  const body = await readBody(request, options.maxRequestBytes);
  const { accessKeyId, principal } = await verifySigV4(
    {
      method: request.method,
      url: options.signedUrl?.(request) ?? request.url ?? '/',
      headers: request.headers,
      body,
    },
    options.sigv4,
  );
  options.rateLimiter?.take(accessKeyId);
  const contentType = (request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  if (contentType !== JSON_CONTENT_TYPE) {
    throw new ProtonApiError(
      'SerializationException',
      `The Content-Type must be ${JSON_CONTENT_TYPE}`,
    );
  }
  const operation = operationName(request);
  return options.runner.invoke(operation, parseInput(body), principal);
}

/**
 * Creates the node:http request listener that speaks awsJson1_0 for the Proton API: reads the body
 * within the size limit, verifies the SigV4 signature, runs the operation named by X-Amz-Target and
 * writes its output or its error (`{"__type": "com.amazonaws.proton#<Name>", "message"}` with the
 * `x-amzn-errortype` header). Every response carries an `x-amzn-requestid`.
 */
export function createProtonRequestListener(
  options: RequestListenerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const requestId = randomUUID();
    const delay = options.responseDelayMs;
    const waited =
      delay && delay > 0
        ? new Promise(resolve => setTimeout(resolve, delay))
        : Promise.resolve();
    const path = (request.url ?? '/').split('?')[0];
    const logRoute = request.method === 'GET' ? LOG_ROUTE.exec(path) : null;
    const webhook = request.method === 'POST' && path === WEBHOOK_ROUTE;
    const preview = request.method === 'POST' && path === PREVIEW_ROUTE;
    const work = () => {
      if (webhook) return serveWebhook(request, response, options);
      if (preview) return servePreview(request, options);
      return logRoute
        ? serveLog(request, response, logRoute[1], options).then(
            () => undefined,
          )
        : handle(request, options);
    };
    // An API call's work overlaps its delay, as an upstream that serves calls in parallel: the
    // answer (or error) leaves no sooner than the delay after the request came. Routes that write
    // their own response (logs, webhooks) wait first.
    const handled =
      logRoute || webhook
        ? waited.then(work)
        : Promise.resolve()
            .then(work)
            .then(
              output => waited.then(() => output),
              (error: unknown) =>
                waited.then(() => {
                  throw error;
                }),
            );
    handled.then(
      output => {
        if (!logRoute && !webhook) send(response, requestId, 200, output);
      },
      (error: unknown) => {
        if (error instanceof ProtonApiError) {
          send(
            response,
            requestId,
            error.statusCode,
            {
              __type: `${ERROR_TYPE_NAMESPACE}#${error.errorName}`,
              message: error.message,
            },
            error.errorName,
          );
          if (error instanceof BodyTooLargeError) {
            // Stop reading what the client still sends; the connection closes after the answer.
            request.resume();
          }
          return;
        }
        options.logger.error(`Request ${requestId} failed`, error as Error);
        send(
          response,
          requestId,
          500,
          {
            __type: `${ERROR_TYPE_NAMESPACE}#InternalServerException`,
            message: `The control plane could not process the request (request id ${requestId})`,
          },
          'InternalServerException',
        );
      },
    );
  };
}
