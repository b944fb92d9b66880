import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  awsProtonServiceCreatePermission,
  awsProtonServiceInstanceUpdatePermission,
} from '@proton-platform/plugin-aws-proton-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ProtonMutatorsPolicy } from './permissionPolicy';

const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/someone': ['user:default/someone'],
  'user:default/ann': ['user:default/ann', 'group:default/Platform'],
  'user:default/bob': ['user:default/bob'],
};

const user = (userEntityRef: string) => ({
  credentials: mockCredentials.user(userEntityRef),
  info: { userEntityRef, ownershipEntityRefs: [] },
});

describe('ProtonMutatorsPolicy', () => {
  // The policy asks the user info service, as in a real backend, not the deprecated `info` field
  const userInfo = {
    getUserInfo: async (credentials: any) => ({
      userEntityRef: credentials.principal.userEntityRef,
      ownershipEntityRefs: MEMBERSHIPS[credentials.principal.userEntityRef],
    }),
  };
  const policy = new ProtonMutatorsPolicy(['group:default/platform'], userInfo);

  it('lets everyone read the catalog', async () => {
    expect(
      await policy.handle(
        { permission: catalogEntityReadPermission },
        user('user:default/someone'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only the configured users and groups run Proton mutations', async () => {
    for (const permission of [
      awsProtonServiceInstanceUpdatePermission,
      awsProtonServiceCreatePermission,
    ]) {
      expect(
        await policy.handle({ permission }, user('user:default/ann')),
      ).toEqual({ result: AuthorizeResult.ALLOW });
      expect(
        await policy.handle({ permission }, user('user:default/bob')),
      ).toEqual({ result: AuthorizeResult.DENY });
      expect(await policy.handle({ permission })).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });
});
