import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { awsProtonServiceInstanceUpdatePermission } from '@proton-platform/plugin-aws-proton-common';

/**
 * Lets the caller redeploy or upgrade the service instances of an entity only with the
 * `aws-proton.service-instance.update` permission on it; the same rule for the route and the
 * action.
 *
 * @throws NotAllowedError naming the entity and the permission, when the policy denies it
 */
export async function requireInstanceUpdatePermission(
  permissions: PermissionsService,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<void> {
  const resourceRef = stringifyEntityRef(ref);
  const [decision] = await permissions.authorize(
    [{ permission: awsProtonServiceInstanceUpdatePermission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not redeploy or upgrade the instances of ${resourceRef} (${awsProtonServiceInstanceUpdatePermission.name})`,
    );
  }
}
