import { AwsProtonClient } from './AwsProtonClient';

describe('AwsProtonClient', () => {
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://backend/api/${id}`,
  };

  it('asks the backend by entity ref and returns the overview', async () => {
    const fetch = jest.fn(
      async () =>
        new Response(JSON.stringify({ name: 'svc' }), { status: 200 }),
    );
    const client = new AwsProtonClient({ discoveryApi, fetchApi: { fetch } });
    const result = await client.getServiceOverview({
      kind: 'Component',
      namespace: 'default',
      name: 'Hello Nginx',
    });
    expect(result).toEqual({ name: 'svc' });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/aws-proton/v1/entities/component/default/hello%20nginx/service',
      undefined,
    );
  });

  it('turns an error response into an error with the backend message', async () => {
    const body = {
      error: {
        name: 'NotFoundError',
        message: 'No entity component:default/x',
      },
      request: { method: 'GET', url: '/' },
      response: { statusCode: 404 },
    };
    const fetch = jest.fn(
      async () =>
        new Response(JSON.stringify(body), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const client = new AwsProtonClient({ discoveryApi, fetchApi: { fetch } });
    await expect(
      client.getServiceOverview({
        kind: 'Component',
        namespace: 'default',
        name: 'x',
      }),
    ).rejects.toThrow('No entity component:default/x');
  });
});
