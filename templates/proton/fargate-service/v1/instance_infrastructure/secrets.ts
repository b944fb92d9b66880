/**
 * The execution role's inline policy for a service instance's container secrets: ECS reads each
 * secret with the execution role when a task starts (Amazon ECS Developer Guide, "Pass sensitive data
 * to an Amazon ECS container"), so the role may read those secrets and parameters and no others.
 */

/** A variable of the container whose value ECS reads from Secrets Manager or Systems Manager. */
export interface ContainerSecret {
  name: string;
  /** The secret's or parameter's ARN (the schema's `ContainerSecret.valueFrom` pattern). */
  valueFrom: string;
}

/**
 * IAM's quota for the inline policies of one role, in characters without white space (IAM User
 * Guide, "IAM and AWS STS quotas": role policy size, 10,240).
 */
export const ROLE_POLICY_SIZE_LIMIT = 10240;

/**
 * The policy document (JSON text, no white space) that lets the execution role read the secrets:
 * `secretsmanager:GetSecretValue` on each Secrets Manager secret, and `ssm:GetParameters` on each
 * parameter. A Secrets Manager reference may name one JSON key after the secret's ARN
 * (`:json-key:version-stage:version-id`), which is taken off; and since an ARN given without the 6
 * random characters AWS appends to a secret's name (a partial ARN) would not match the secret's own,
 * each secret is also granted as `<arn>-??????`.
 *
 * @returns undefined when there are no secrets (no policy is made)
 */
export function secretsPolicy(secrets: ContainerSecret[]): string | undefined {
  if (secrets.length === 0) return undefined;
  const arns = (service: string) =>
    secrets
      .map(secret => secret.valueFrom)
      .filter(arn => arn.split(':')[2] === service);
  const secretArns = [
    ...new Set(
      arns('secretsmanager').flatMap(arn => {
        const secret = arn.split(':').slice(0, 7).join(':');
        return [secret, `${secret}-??????`];
      }),
    ),
  ];
  const parameterArns = [...new Set(arns('ssm'))];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...(secretArns.length > 0
        ? [
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: secretArns,
            },
          ]
        : []),
      ...(parameterArns.length > 0
        ? [
            {
              Effect: 'Allow',
              Action: 'ssm:GetParameters',
              Resource: parameterArns,
            },
          ]
        : []),
    ],
  });
}
