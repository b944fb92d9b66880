import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protonConfig, protonOutputs, protonStackName } from './pulumiMocks';

// Proton's proton-inputs.json for an environment.
const protonInputs = {
  environment: {
    name: 'staging',
    inputs: {
      vpcCidrBlock: '10.1.0.0/16',
      natGateways: 'Single',
      loadBalancer: false,
      logRetentionDays: 90,
    },
  },
};

describe('proton.jq for an environment', () => {
  it('names the stack after the environment', () => {
    assert.equal(protonStackName(protonInputs), 'staging');
  });

  it('writes every input to the configuration, numbers and booleans as JSON', () => {
    assert.deepEqual(protonConfig(protonInputs), {
      protonEnvironmentName: 'staging',
      vpcCidrBlock: '10.1.0.0/16',
      natGateways: 'Single',
      loadBalancer: 'false',
      logRetentionDays: '90',
    });
  });

  it('leaves out inputs that are null, so the program defaults apply', () => {
    const config = protonConfig({
      environment: { name: 'dev', inputs: { natGateways: null } },
    });
    assert.deepEqual(config, { protonEnvironmentName: 'dev' });
  });

  it('fails when proton-inputs.json has no environment name', () => {
    assert.throws(
      () => protonStackName({ environment: { inputs: {} } }),
      /has no environment.name/,
    );
  });

  it('turns stack outputs into Proton outputs, all strings', () => {
    assert.deepEqual(
      protonOutputs({ vpcId: 'vpc-1', absent: null, empty: '' }),
      [{ key: 'vpcId', valueString: 'vpc-1' }],
    );
    assert.throws(
      () => protonOutputs({ long: 'x'.repeat(1025) }),
      /the output long is 1025 characters; AWS Proton takes at most 1024/,
    );
    assert.deepEqual(protonOutputs({ vpcId: 'vpc-1', count: 2, ids: ['a'] }), [
      { key: 'vpcId', valueString: 'vpc-1' },
      { key: 'count', valueString: '2' },
      { key: 'ids', valueString: '["a"]' },
    ]);
  });
});
