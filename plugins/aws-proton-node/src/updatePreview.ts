import type { ProtonClient } from '@aws-sdk/client-proton';
import type { ProtonResourcesPreview } from '@proton-platform/plugin-aws-proton-common';
import { ServiceUnavailableError } from '@backstage/errors';
import { callControlPlaneRoute } from './controlPlaneRoutes';

/**
 * How long a preview may take, in milliseconds (5 minutes): the control plane plans the template's
 * program twice (each within 2 minutes), one preview at a time.
 *
 * @public
 */
export const UPDATE_PREVIEW_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * The input of an UpdateServiceInstance to preview, as the Proton API names it.
 *
 * @public
 */
export interface ServiceInstanceUpdateRequest {
  /** The service's name. */
  serviceName: string;
  /** The service instance's name. */
  name: string;
  /** How the instance would be deployed: with its version, or a newer minor or major one. */
  deploymentType: 'CURRENT_VERSION' | 'MINOR_VERSION' | 'MAJOR_VERSION';
  /** The major version to deploy (MAJOR_VERSION); the recommended one when absent. */
  templateMajorVersion?: string;
  /** The minor version to deploy; the recommended one of the major version when absent. */
  templateMinorVersion?: string;
  /** A whole service spec (YAML); the instance's own spec when absent. */
  spec?: string;
}

/**
 * Asks the Proton-compatible control plane what an UpdateServiceInstance would do to the instance's
 * resources, deploying nothing (`POST <endpoint>/previews/update-service-instance`, signed with
 * SigV4 as every Proton request). AWS Proton itself has no such preview: without `endpoint` the
 * answer is `unavailable`.
 *
 * @param client - the Proton client of the instance's account and Region (its credentials sign)
 * @param endpoint - `awsProton.endpoint`, the control plane's base URL
 * @returns the changes, or why they cannot be known (`unavailable`), or the failure the deployment
 *   would meet (`failed`)
 * @throws InputError, NotFoundError, ConflictError as UpdateServiceInstance would answer the input;
 *   NotAllowedError when the control plane refuses the credentials; ServiceUnavailableError when it
 *   cannot be reached within {@link UPDATE_PREVIEW_TIMEOUT_MS}
 * @public
 */
export async function previewServiceInstanceUpdate(
  client: ProtonClient,
  endpoint: string | undefined,
  request: ServiceInstanceUpdateRequest,
): Promise<ProtonResourcesPreview> {
  if (!endpoint) {
    return {
      unavailable:
        'AWS Proton cannot preview resources; the Proton-compatible control plane can (awsProton.endpoint) with its simulate runner',
    };
  }
  const { body } = await callControlPlaneRoute(
    client,
    endpoint,
    {
      method: 'POST',
      path: '/previews/update-service-instance',
      body: JSON.stringify(request),
      what: `a preview of the update of service instance ${request.serviceName}/${request.name}`,
    },
    UPDATE_PREVIEW_TIMEOUT_MS,
  );
  let answer: Record<string, any>;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceUnavailableError(
      `The control plane at ${
        new URL(endpoint).host
      } answered the preview with something other than JSON`,
    );
  }
  if (answer.resources) {
    return {
      changes: answer.resources.changes,
      unchanged: answer.resources.unchanged,
    };
  }
  if (typeof answer.failed === 'string') return { failed: answer.failed };
  return {
    unavailable:
      typeof answer.unavailable === 'string'
        ? answer.unavailable
        : 'The control plane gave no preview of the resources',
  };
}
