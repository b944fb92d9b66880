import {
  GetAccountSettingsCommand,
  ListServiceTemplatesCommand,
  ProtonClient,
  ProtonServiceException,
} from '@aws-sdk/client-proton';
import { rawRequest } from '../__testUtils__/rawRequest';
import {
  startTestServer,
  TEST_CREDENTIALS,
  TestServer,
} from '../__testUtils__/testServer';

describe('the awsJson1_0 protocol and SigV4 verification', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer({ maxRequestBytes: 4096 });
  });
  afterAll(async () => {
    await test.stop();
  });

  function expectError(
    response: { status: number; headers: Record<string, unknown>; body: any },
    status: number,
    name: string,
  ) {
    expect({ status: response.status, type: response.body?.__type }).toEqual({
      status,
      type: `com.amazonaws.proton#${name}`,
    });
    expect(response.headers['x-amzn-errortype']).toBe(name);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(typeof response.body.message).toBe('string');
  }

  it('answers a signed request with JSON and a request id', async () => {
    const response = await rawRequest(test.endpoint);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ templates: [] });
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.0');
  });

  it('refuses an unsigned request', async () => {
    const response = await rawRequest(test.endpoint, { sign: false });
    expectError(response, 403, 'MissingAuthenticationTokenException');
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await rawRequest(test.endpoint, {
      tamper: request => {
        request.headers.authorization =
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/proton/aws4_request';
      },
    });
    expectError(response, 400, 'IncompleteSignatureException');
    const other = await rawRequest(test.endpoint, {
      tamper: request => {
        request.headers.authorization = 'Basic dXNlcjpwYXNz';
      },
    });
    expectError(other, 400, 'IncompleteSignatureException');
  });

  it('refuses a request without a signed X-Amz-Date', async () => {
    const response = await rawRequest(test.endpoint, {
      tamper: request => {
        delete request.headers['x-amz-date'];
      },
    });
    expectError(response, 400, 'IncompleteSignatureException');
    expect(response.body.message).toContain('X-Amz-Date');
  });

  it('refuses an unknown access key', async () => {
    const response = await rawRequest(test.endpoint, {
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' },
    });
    expectError(response, 403, 'UnrecognizedClientException');
  });

  it('refuses a signature made with the wrong secret', async () => {
    const response = await rawRequest(test.endpoint, {
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' },
    });
    expectError(response, 403, 'InvalidSignatureException');
    expect(response.body.message).toContain(
      'does not match the signature you provided',
    );
  });

  it('refuses a body changed after signing', async () => {
    const response = await rawRequest(test.endpoint, {
      body: '{"maxResults":5}',
      tamper: request => {
        request.body = '{"maxResults":6}';
      },
    });
    expectError(response, 403, 'InvalidSignatureException');
  });

  it('refuses a signed header changed after signing', async () => {
    const response = await rawRequest(test.endpoint, {
      tamper: request => {
        request.headers['x-amz-target'] =
          'AwsProton20200720.ListEnvironmentTemplates';
      },
    });
    expectError(response, 403, 'InvalidSignatureException');
  });

  it('refuses a signature scoped to another region or service', async () => {
    const region = await rawRequest(test.endpoint, { region: 'eu-west-1' });
    expectError(region, 403, 'InvalidSignatureException');
    expect(region.body.message).toContain('region');
    const service = await rawRequest(test.endpoint, { service: 's3' });
    expectError(service, 403, 'InvalidSignatureException');
    expect(service.body.message).toContain("correct service: 'proton'");
  });

  it('refuses requests signed more than 15 minutes off, past or future', async () => {
    const past = await rawRequest(test.endpoint, {
      signingDate: new Date(Date.now() - 16 * 60 * 1000),
    });
    expectError(past, 403, 'InvalidSignatureException');
    expect(past.body.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
    const future = await rawRequest(test.endpoint, {
      signingDate: new Date(Date.now() + 16 * 60 * 1000),
    });
    expectError(future, 403, 'InvalidSignatureException');
    const nearlySkewed = await rawRequest(test.endpoint, {
      signingDate: new Date(Date.now() - 14 * 60 * 1000),
    });
    expect(nearlySkewed.status).toBe(200);
  });

  it('lets the SDK correct its clock from the Date header after a skew error', async () => {
    const skewed = new ProtonClient({
      region: 'us-east-1',
      endpoint: test.endpoint,
      credentials: TEST_CREDENTIALS,
      systemClockOffset: -30 * 60 * 1000,
      maxAttempts: 2,
    });
    const output = await skewed.send(new ListServiceTemplatesCommand({}));
    expect(output.$metadata.attempts).toBe(2);
    expect(output.templates).toEqual([]);
    skewed.destroy();
  });

  it('refuses bodies over the limit with 413, whether declared or streamed', async () => {
    const declared = await rawRequest(test.endpoint, {
      body: `{"x":"${'a'.repeat(5000)}"}`,
    });
    expectError(declared, 413, 'RequestEntityTooLargeException');
    expect(declared.body.message).toContain('4096 bytes');
    const streamed = await rawRequest(test.endpoint, {
      body: `{"x":"${'a'.repeat(5000)}"}`,
      tamper: request => {
        delete request.headers['content-length'];
        request.headers['transfer-encoding'] = 'chunked';
      },
    });
    expectError(streamed, 413, 'RequestEntityTooLargeException');
  });

  it('refuses a body that is not JSON', async () => {
    const response = await rawRequest(test.endpoint, { body: '{not json' });
    expectError(response, 400, 'SerializationException');
  });

  it('refuses another content type', async () => {
    const response = await rawRequest(test.endpoint, {
      headers: { 'content-type': 'text/plain' },
    });
    expectError(response, 400, 'SerializationException');
  });

  it('answers other methods and paths with a clear error', async () => {
    const get = await rawRequest(test.endpoint, { method: 'GET', body: '' });
    expectError(get, 400, 'UnknownOperationException');
    expect(get.body.message).toContain('POST /');
    const path = await rawRequest(test.endpoint, { path: '/other' });
    expectError(path, 400, 'UnknownOperationException');
  });

  it('refuses a missing or foreign X-Amz-Target', async () => {
    const foreign = await rawRequest(test.endpoint, {
      headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    });
    expectError(foreign, 400, 'UnknownOperationException');
    expect(foreign.body.message).toContain('AwsProton20200720.<Operation>');
  });

  it('says which operations it does not support, and the SDK surfaces it', async () => {
    const unknown = await rawRequest(test.endpoint, {
      operation: 'MakeCoffee',
    });
    expectError(unknown, 400, 'UnknownOperationException');
    expect(unknown.body.message).toBe(
      'The operation MakeCoffee is not supported by this control plane',
    );
    const error = await test.client
      .send(new GetAccountSettingsCommand({}))
      .catch(e => e);
    expect(error).toBeInstanceOf(ProtonServiceException);
    expect(error.name).toBe('UnknownOperationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'The operation GetAccountSettings is not supported by this control plane',
    );
  });

  it('leaks no stack trace or path in error messages', async () => {
    const responses = await Promise.all([
      rawRequest(test.endpoint, { body: '{not json' }),
      rawRequest(test.endpoint, {
        operation: 'GetServiceTemplate',
        body: '{"name":"missing"}',
      }),
      rawRequest(test.endpoint, {
        operation: 'CreateServiceTemplateVersion',
        body: '{"templateName":"x"}',
      }),
    ]);
    for (const response of responses) {
      expect(response.text).not.toMatch(
        /\/work\/|node_modules|\bat .*\.ts:\d+/,
      );
    }
  });
});
