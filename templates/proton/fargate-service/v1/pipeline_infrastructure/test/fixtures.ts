/** A pipeline's proton-inputs.json, in Proton's format (see the control plane's servicePipelines.ts). */
export function pipelineProtonInputs(
  inputs: Record<string, unknown>,
  instances: Array<{ name: string; environment: string }> = [
    { name: 'dev', environment: 'dev' },
    { name: 'prod', environment: 'prod' },
  ],
  repository: Record<string, string> = {},
) {
  return {
    service: {
      name: 'orders',
      repository_connection_arn:
        'arn:aws:codestar-connections:us-east-1:111111111111:connection/a1b2c3d4-5678-90ab-cdef-000000000001',
      repository_id: 'acme/orders',
      branch_name: 'main',
      ...repository,
    },
    pipeline: { inputs },
    service_instances: instances.map(instance => ({
      name: instance.name,
      inputs: { path: '/orders' },
      outputs: {},
      environment: {
        name: instance.environment,
        account_id: '111111111111',
        outputs: {},
      },
    })),
  };
}

/** What the account and partition lookups answer under the mocks. */
export function pipelineCalls(token: string): Record<string, unknown> {
  if (token === 'aws:index/getCallerIdentity:getCallerIdentity') {
    return {
      accountId: '111111111111',
      arn: 'arn:aws:iam::111111111111:user/test',
      userId: 'test',
    };
  }
  if (token === 'aws:index/getPartition:getPartition') {
    return { partition: 'aws', dnsSuffix: 'amazonaws.com' };
  }
  return {};
}
