import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { UserInfoService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { awsProtonPermissions } from '@proton-platform/plugin-aws-proton-common';

const PROTON_PERMISSIONS = new Set(awsProtonPermissions.map(p => p.name));

/**
 * Everyone may read; only the users and groups listed in `permission.awsProton.mutators` may run
 * AWS Proton mutations (create services and environments, redeploy and upgrade instances, run upgrade
 * campaigns).
 */
export class ProtonMutatorsPolicy implements PermissionPolicy {
  static fromConfig(
    config: Config,
    userInfo: UserInfoService,
  ): ProtonMutatorsPolicy {
    return new ProtonMutatorsPolicy(
      config.getOptionalStringArray('permission.awsProton.mutators') ?? [],
      userInfo,
    );
  }

  private readonly mutators: Set<string>;

  constructor(mutators: string[], private readonly userInfo: UserInfoService) {
    this.mutators = new Set(
      mutators.map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!PROTON_PERMISSIONS.has(request.permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs: refs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    const allowed = refs.some(ref =>
      this.mutators.has(ref.toLocaleLowerCase('en-US')),
    );
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'proton-mutators-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(ProtonMutatorsPolicy.fromConfig(config, userInfo));
      },
    });
  },
});
