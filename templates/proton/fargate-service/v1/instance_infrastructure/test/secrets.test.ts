import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretsPolicy } from '../secrets';

const SECRET =
  'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders/db-AbCdEf';
const PARAMETER = 'arn:aws:ssm:us-east-1:111111111111:parameter/orders/key';

describe('the execution role policy for container secrets', () => {
  it('is not made without secrets', () => {
    assert.equal(secretsPolicy([]), undefined);
  });

  it('grants each secret once, without its JSON key, also as a partial ARN, and parameters as given', () => {
    const policy = JSON.parse(
      secretsPolicy([
        { name: 'A', valueFrom: `${SECRET}:password:AWSCURRENT:` },
        { name: 'B', valueFrom: `${SECRET}:user::` },
        { name: 'C', valueFrom: PARAMETER },
      ])!,
    );
    assert.deepEqual(policy.Statement, [
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [SECRET, `${SECRET}-??????`],
      },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [PARAMETER] },
    ]);
  });

  it('has only the statement of the service it needs', () => {
    const policy = JSON.parse(
      secretsPolicy([{ name: 'C', valueFrom: PARAMETER }])!,
    );
    assert.deepEqual(
      policy.Statement.map((statement: any) => statement.Action),
      ['ssm:GetParameters'],
    );
  });
});
