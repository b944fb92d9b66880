import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './testServer';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  text: string;
}

export interface RawRequestOptions {
  operation?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  /** Sign the request; unsigned when false. */
  sign?: boolean;
  signingDate?: Date;
  region?: string;
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Changes the signed request before it is sent. */
  tamper?(request: HttpRequest): void;
}

/** Sends one request to the control plane with node:http, signed with SigV4 unless told not to. */
export async function rawRequest(
  endpoint: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = options.body ?? '{}';
  let request = new HttpRequest({
    method: options.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path ?? '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AwsProton20200720.${
        options.operation ?? 'ListServiceTemplates'
      }`,
      ...options.headers,
    },
    body,
  });
  if (options.sign !== false) {
    const signer = new SignatureV4({
      credentials: options.credentials ?? TEST_CREDENTIALS,
      region: options.region ?? 'us-east-1',
      service: options.service ?? 'proton',
      sha256: Sha256,
    });
    request = (await signer.sign(request, {
      signingDate: options.signingDate ?? new Date(),
    })) as HttpRequest;
  }
  options.tamper?.(request);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: parsed,
            text,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
