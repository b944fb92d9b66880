import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVIRONMENT_OUTPUTS, serviceInstanceInputs } from './fixtures';
import { protonConfig, protonStackName } from './pulumiMocks';

describe('proton.jq for a service instance', () => {
  const protonInputs = serviceInstanceInputs({
    path: '/orders',
    port: 8080,
    environmentVariables: [{ name: 'A', value: 'x=1' }],
  });

  it('names the stack <service>.<instance>', () => {
    assert.equal(protonStackName(protonInputs), 'orders.staging');
  });

  it('writes the inputs, the Proton names and the environment outputs to the configuration', () => {
    assert.deepEqual(protonConfig(protonInputs), {
      path: '/orders',
      port: '8080',
      environmentVariables: '[{"name":"A","value":"x=1"}]',
      protonEnvironmentName: 'staging',
      protonEnvironmentAccountId: '111111111111',
      protonServiceName: 'orders',
      protonServiceInstanceName: 'staging',
      environmentOutputs: JSON.stringify(ENVIRONMENT_OUTPUTS),
    });
  });

  it('lets the Proton names win over inputs of the same name', () => {
    const config = protonConfig(
      serviceInstanceInputs({ protonServiceName: 'spoofed', path: '/a' }),
    );
    assert.equal(config.protonServiceName, 'orders');
  });
});
