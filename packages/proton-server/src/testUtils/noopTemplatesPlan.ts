// the public type, as the package's main entry exports it
import type { ProtonSeedPlan } from '@proton-platform/proton-server';
import type { ScratchControlPlane } from './scratchControlPlane';

/**
 * A seed plan (for `seedProtonResources`) of templates whose bundles do nothing: the environment
 * template `env` 1.0 and the service template `web` (customer-managed pipelines, compatible with
 * `env` 1) with its versions published, and `environments` made from `env` (created, not waited for;
 * their deployments are the runner's or the test's to end). Services are the test's own.
 *
 * @param noopBundles - the scratch control plane's no-op bundle sources
 * @param options - `environments` (none by default); `serviceVersions`, each `major.minor` with its
 *   bundle source (default: 1.0 and 1.1, both the no-op bundle)
 * @public
 */
export function noopTemplatesPlan(
  noopBundles: ScratchControlPlane['noopBundles'],
  options: {
    environments?: string[];
    serviceVersions?: Array<{
      version: string;
      source: { bucket: string; key: string };
    }>;
  } = {},
): ProtonSeedPlan {
  const versions = options.serviceVersions ?? [
    { version: '1.0', source: noopBundles.service },
    { version: '1.1', source: noopBundles.service },
  ];
  return {
    environmentTemplates: [
      {
        name: 'env',
        versions: [
          { version: '1.0', source: noopBundles.environment, publish: true },
        ],
      },
    ],
    serviceTemplates: [
      {
        name: 'web',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        compatibleEnvironmentTemplates: [
          { templateName: 'env', majorVersion: '1' },
        ],
        versions: versions.map(v => ({ ...v, publish: true })),
      },
    ],
    environments: (options.environments ?? []).map(name => ({
      name,
      templateName: 'env',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    })),
  };
}
