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
 * Lets the caller change the service instances of an entity (redeploy, upgrade, edit inputs, add,
 * delete, or delete the service) only with the `aws-proton.service-instance.update` permission on
 * it; the same rule for the routes and the action.
 *
 * @param what - what the caller may not do, in the refusal: `redeploy or upgrade the instances of` by
 *   default
 * @throws NotAllowedError naming what, the entity and the permission, when the policy denies it
 */
export async function requireInstanceUpdatePermission(
  permissions: PermissionsService,
  ref: CompoundEntityRef,
  credentials: BackstageCredentials,
  what = 'redeploy or upgrade the instances of',
): Promise<void> {
  const resourceRef = stringifyEntityRef(ref);
  const [decision] = await permissions.authorize(
    [{ permission: awsProtonServiceInstanceUpdatePermission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not ${what} ${resourceRef} (${awsProtonServiceInstanceUpdatePermission.name})`,
    );
  }
}
