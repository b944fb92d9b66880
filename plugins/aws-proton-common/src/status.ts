/**
 * The statuses of an AWS Proton service, as the Proton API reports them.
 *
 * @public
 */
export const PROTON_SERVICE_STATUSES = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED_CLEANUP_IN_PROGRESS',
  'CREATE_FAILED_CLEANUP_COMPLETE',
  'CREATE_FAILED_CLEANUP_FAILED',
  'CREATE_FAILED',
  'ACTIVE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_FAILED_CLEANUP_IN_PROGRESS',
  'UPDATE_FAILED_CLEANUP_COMPLETE',
  'UPDATE_FAILED_CLEANUP_FAILED',
  'UPDATE_FAILED',
  'UPDATE_COMPLETE_CLEANUP_FAILED',
] as const;

/**
 * A status of an AWS Proton service: one of {@link PROTON_SERVICE_STATUSES}.
 *
 * @public
 */
export type ProtonServiceStatus = (typeof PROTON_SERVICE_STATUSES)[number];

/**
 * The deployment statuses of AWS Proton environments, service instances and pipelines.
 *
 * @public
 */
export const PROTON_DEPLOYMENT_STATUSES = [
  'IN_PROGRESS',
  'FAILED',
  'SUCCEEDED',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'DELETE_COMPLETE',
  'CANCELLING',
  'CANCELLED',
] as const;

/**
 * A deployment status of an AWS Proton environment, service instance or pipeline: one of
 * {@link PROTON_DEPLOYMENT_STATUSES}.
 *
 * @public
 */
export type ProtonDeploymentStatus =
  (typeof PROTON_DEPLOYMENT_STATUSES)[number];

/**
 * How a status should look to a person: `ok` (green), `pending` (blue, work under way), `warning`
 * (amber, settled but needs attention), `error` (red) or `neutral` (grey).
 *
 * @public
 */
export type ProtonStatusTone =
  | 'ok'
  | 'pending'
  | 'warning'
  | 'error'
  | 'neutral';

/**
 * A status as it is shown: a label, a tone, and whether work is still under way.
 *
 * @public
 */
export interface ProtonStatusDisplay {
  /** The status in words, such as `Create failed, cleaning up`; an unknown status is shown lower-cased. */
  label: string;
  /** How the status should look; an unknown status is `neutral`. */
  tone: ProtonStatusTone;
  /** True while Proton is still working: views keep refreshing until every status is settled. */
  inProgress: boolean;
}

const SERVICE: Record<ProtonServiceStatus, ProtonStatusDisplay> = {
  CREATE_IN_PROGRESS: { label: 'Creating', tone: 'pending', inProgress: true },
  CREATE_FAILED_CLEANUP_IN_PROGRESS: {
    label: 'Create failed, cleaning up',
    tone: 'error',
    inProgress: true,
  },
  CREATE_FAILED_CLEANUP_COMPLETE: {
    label: 'Create failed, cleaned up',
    tone: 'error',
    inProgress: false,
  },
  CREATE_FAILED_CLEANUP_FAILED: {
    label: 'Create failed, cleanup failed',
    tone: 'error',
    inProgress: false,
  },
  CREATE_FAILED: { label: 'Create failed', tone: 'error', inProgress: false },
  ACTIVE: { label: 'Active', tone: 'ok', inProgress: false },
  DELETE_IN_PROGRESS: {
    label: 'Deleting',
    tone: 'pending',
    inProgress: true,
  },
  DELETE_FAILED: { label: 'Delete failed', tone: 'error', inProgress: false },
  UPDATE_IN_PROGRESS: { label: 'Updating', tone: 'pending', inProgress: true },
  UPDATE_FAILED_CLEANUP_IN_PROGRESS: {
    label: 'Update failed, cleaning up',
    tone: 'error',
    inProgress: true,
  },
  UPDATE_FAILED_CLEANUP_COMPLETE: {
    label: 'Update failed, cleaned up',
    tone: 'warning',
    inProgress: false,
  },
  UPDATE_FAILED_CLEANUP_FAILED: {
    label: 'Update failed, cleanup failed',
    tone: 'error',
    inProgress: false,
  },
  UPDATE_FAILED: { label: 'Update failed', tone: 'error', inProgress: false },
  UPDATE_COMPLETE_CLEANUP_FAILED: {
    label: 'Updated, cleanup failed',
    tone: 'warning',
    inProgress: false,
  },
};

const DEPLOYMENT: Record<ProtonDeploymentStatus, ProtonStatusDisplay> = {
  IN_PROGRESS: { label: 'Deploying', tone: 'pending', inProgress: true },
  FAILED: { label: 'Failed', tone: 'error', inProgress: false },
  SUCCEEDED: { label: 'Succeeded', tone: 'ok', inProgress: false },
  DELETE_IN_PROGRESS: { label: 'Deleting', tone: 'pending', inProgress: true },
  DELETE_FAILED: { label: 'Delete failed', tone: 'error', inProgress: false },
  DELETE_COMPLETE: { label: 'Deleted', tone: 'neutral', inProgress: false },
  CANCELLING: { label: 'Cancelling', tone: 'pending', inProgress: true },
  CANCELLED: { label: 'Cancelled', tone: 'warning', inProgress: false },
};

function unknownStatus(status: string | undefined): ProtonStatusDisplay {
  return {
    label: status ? status.toLowerCase().replace(/_/g, ' ') : 'Unknown',
    tone: 'neutral',
    inProgress: false,
  };
}

/**
 * How a service status is shown. A status this version does not know is shown as itself, in grey.
 *
 * @public
 */
export function describeServiceStatus(
  status: string | undefined,
): ProtonStatusDisplay {
  return SERVICE[status as ProtonServiceStatus] ?? unknownStatus(status);
}

/**
 * How a deployment status is shown. A status this version does not know is shown as itself, in grey.
 *
 * @public
 */
export function describeDeploymentStatus(
  status: string | undefined,
): ProtonStatusDisplay {
  return DEPLOYMENT[status as ProtonDeploymentStatus] ?? unknownStatus(status);
}
