import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ListServiceTemplatesCommand,
  ProtonClient,
  ThrottlingException,
  InternalServerException,
} from '@aws-sdk/client-proton';
import { rawRequest } from '../__testUtils__/rawRequest';
import { startTestServer, TEST_CREDENTIALS } from '../__testUtils__/testServer';
import { createProtonRequestListener } from './requestListener';
import { createCredentialResolver } from './deploymentCredentials';

describe('throttling and internal errors', () => {
  it('throttles each access key to its rate with ThrottlingException (429)', async () => {
    const other = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' };
    const test = await startTestServer({
      credentials: [TEST_CREDENTIALS, other],
      rateLimit: { requestsPerSecond: 0.01, burst: 2 },
    });
    try {
      expect((await rawRequest(test.endpoint)).status).toBe(200);
      expect((await rawRequest(test.endpoint)).status).toBe(200);
      const throttled = await rawRequest(test.endpoint);
      expect(throttled.status).toBe(429);
      expect(throttled.body).toEqual({
        __type: 'com.amazonaws.proton#ThrottlingException',
        message: 'Rate exceeded',
      });
      const error = await test.client
        .send(new ListServiceTemplatesCommand({}))
        .catch(e => e);
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error.$metadata.httpStatusCode).toBe(429);
      // Another access key has a bucket of its own.
      expect(
        (await rawRequest(test.endpoint, { credentials: other })).status,
      ).toBe(200);
    } finally {
      await test.stop();
    }
  });

  it('answers an unexpected failure with InternalServerException (500) and logs it with the request id', async () => {
    const logged: Array<{ message: string; meta: unknown }> = [];
    const listener = createProtonRequestListener({
      runner: {
        invoke: async () => {
          throw new Error('ENOENT: /var/lib/proton/secret/path.db');
        },
      },
      sigv4: {
        resolveCredentials: createCredentialResolver([TEST_CREDENTIALS]),
        region: 'us-east-1',
        service: 'proton',
        maxClockSkewMs: 15 * 60 * 1000,
        now: () => new Date(),
      },
      maxRequestBytes: 1024,
      logger: {
        info: () => {},
        warn: () => {},
        error: (message, meta) => logged.push({ message, meta }),
      },
    });
    const server = http.createServer(listener);
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    const endpoint = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`;
    const client = new ProtonClient({
      region: 'us-east-1',
      endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const raw = await rawRequest(endpoint);
      expect(raw.status).toBe(500);
      const requestId = raw.headers['x-amzn-requestid'];
      expect(raw.body).toEqual({
        __type: 'com.amazonaws.proton#InternalServerException',
        message: `The control plane could not process the request (request id ${requestId})`,
      });
      expect(raw.text).not.toContain('/var/lib');
      expect(logged).toEqual([
        { message: `Request ${requestId} failed`, meta: expect.any(Error) },
      ]);
      const error = await client
        .send(new ListServiceTemplatesCommand({}))
        .catch(e => e);
      expect(error).toBeInstanceOf(InternalServerException);
      expect(error.$metadata.httpStatusCode).toBe(500);
    } finally {
      client.destroy();
      await new Promise(resolve => server.close(resolve));
    }
  });
});
