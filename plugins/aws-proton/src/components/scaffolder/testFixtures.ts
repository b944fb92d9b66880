/** Answers of the aws-proton backend's template catalog routes, for the field tests. */
export const SERVICE_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "FargateServiceInstanceInputs"
  types:
    FargateServiceInstanceInputs:
      type: object
      required: ["path"]
      properties:
        port:
          type: integer
          title: "Container port"
          description: "The port the container listens on"
          default: 80
          minimum: 1
          maximum: 65535
        path:
          type: string
          title: "URL path"
          description: "The path prefix this service answers on, for example /orders. Each service needs its own."
          pattern: '^(/|(/[A-Za-z0-9._~-]+)+)$'
        cpu:
          type: integer
          title: "CPU units"
          default: 256
          enum: [256, 512, 1024]
`;

const routes: Record<string, unknown> = {
  '/v1/service-templates': [
    {
      name: 'fargate-service',
      displayName: 'Fargate service',
      description: 'A container behind the shared load balancer',
      recommendedVersion: '1.1',
      withPipeline: false,
    },
    { name: 'lambda-service', recommendedVersion: '2.0', withPipeline: true },
  ],
  '/v1/environment-templates': [
    {
      name: 'existing-fargate-env',
      displayName: 'Existing Fargate infrastructure',
      recommendedVersion: '1.0',
      customerManaged: true,
    },
    {
      name: 'fargate-env',
      displayName: 'Fargate environment',
      recommendedVersion: '1.0',
    },
  ],
  '/v1/service-templates/fargate-service/versions': [
    { majorVersion: '1', minorVersion: '1', recommended: true },
    {
      majorVersion: '1',
      minorVersion: '0',
      recommended: false,
      description: 'first',
    },
  ],
  '/v1/service-templates/fargate-service/versions/1.1': {
    templateName: 'fargate-service',
    majorVersion: '1',
    minorVersion: '1',
    status: 'PUBLISHED',
    schema: SERVICE_SCHEMA,
    compatibleEnvironmentTemplates: [
      { templateName: 'fargate-env', majorVersion: '1' },
    ],
  },
  '/v1/environments?template=fargate-service&major=1': [
    {
      name: 'broken',
      arn: 'arn:aws:proton:us-east-1:000000000000:environment/broken',
      templateName: 'fargate-env',
      templateVersion: '1.0',
      deploymentStatus: 'FAILED',
      deployable: false,
    },
    {
      name: 'prod',
      arn: 'arn:aws:proton:us-east-1:000000000000:environment/prod',
      templateName: 'fargate-env',
      templateVersion: '1.0',
      deploymentStatus: 'SUCCEEDED',
      deployable: true,
    },
  ],
};

/** A discovery API and a fetch API that answer the routes above, recording the URLs asked. */
export function catalogApis(base = 'http://backend/api/aws-proton') {
  const urls: string[] = [];
  return {
    urls,
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: {
      fetch: async (input: any) => {
        const url = String(input);
        urls.push(url);
        // the account and region a caller names are not part of the route
        const parsed = new URL(url);
        parsed.searchParams.delete('accountId');
        parsed.searchParams.delete('region');
        const body = routes[parsed.toString().slice(base.length)];
        return {
          ok: body !== undefined,
          status: body !== undefined ? 200 : 404,
          statusText: body !== undefined ? 'OK' : 'Not Found',
          headers: { get: () => 'application/json' },
          json: async () =>
            body ?? {
              error: { name: 'NotFoundError', message: `no route ${url}` },
            },
          text: async () =>
            JSON.stringify(
              body ?? {
                error: { name: 'NotFoundError', message: `no route ${url}` },
              },
            ),
        } as any;
      },
    },
  };
}
