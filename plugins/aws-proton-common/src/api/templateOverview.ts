import type { ProtonInputsDiff } from '../schema/inputsDiff';
import type { ProtonInputsKind } from '../schema/types';

/**
 * Where a template version's bundle came from when template sync registered it, read from the
 * version's `proton:sync:*` tags.
 *
 * @public
 */
export interface TemplateVersionSource {
  /** The repository as `<provider>:<owner/repo>`, e.g. `GITHUB:platform/templates`. */
  repository: string;
  /** The branch the template follows. */
  branch?: string;
  /** The commit's SHA. */
  commit?: string;
  /** The bundle's folder in the repository, e.g. `templates/fargate-service/v1`. */
  directory?: string;
  /** A link to the commit for people, when the provider has web pages (see `awsProton.repositoryWebUrls`). */
  url?: string;
}

/**
 * One version of a template, as the template's entity page lists it.
 *
 * @public
 */
export interface TemplateVersionView {
  /** `major.minor`, e.g. `1.1`. */
  version: string;
  /** REGISTRATION_IN_PROGRESS, REGISTRATION_FAILED, DRAFT or PUBLISHED, as Proton reports it. */
  status: string;
  /** Why registration failed, when it did. */
  statusMessage?: string;
  /** True for the recommended version of its major version. */
  recommended: boolean;
  /** The version's description (for a synced version, the subject of its commit). */
  description?: string;
  /** When the version was created (ISO 8601). */
  createdAt?: string;
  /** Where its bundle came from, for a version template sync registered; absent for one made by hand. */
  source?: TemplateVersionSource;
}

/**
 * The last sync of one major version of a synced template (GetTemplateSyncStatus).
 *
 * @public
 */
export interface TemplateMajorSyncView {
  /** The major version, e.g. `1`: the `v1` folder. */
  major: string;
  /** INITIATED, IN_PROGRESS, SUCCEEDED or FAILED. */
  status: string;
  /** The last event of the sync: what was registered, or why it failed. */
  message?: string;
  /** When the sync started (ISO 8601). */
  startedAt?: string;
  /** The commit synced. */
  commit?: string;
}

/**
 * What a template's entity page shows: its versions, where each came from, and how its template
 * sync fares.
 *
 * @public
 */
export interface TemplateOverview {
  /** The template's ARN. */
  arn: string;
  /** The template's name. */
  name: string;
  /** `service` or `environment`. */
  kind: 'service' | 'environment';
  /** The highest published version, e.g. `1.1`. */
  recommendedVersion?: string;
  /** Every version, newest first. */
  versions: TemplateVersionView[];
  /** The template's sync configuration and the last sync of each major version, when it follows a repository. */
  sync?: {
    repository: string;
    branch: string;
    subdirectory?: string;
    majors: TemplateMajorSyncView[];
  };
  /** True while a version registers or a sync runs: views keep refreshing. */
  inProgress: boolean;
}

/**
 * The tag keys a version registered by template sync carries (as this project's control plane sets
 * them), naming where its bundle came from.
 *
 * @public
 */
export const TEMPLATE_SYNC_TAG_KEYS = {
  repository: 'proton:sync:repository',
  branch: 'proton:sync:branch',
  commit: 'proton:sync:commit',
  directory: 'proton:sync:directory',
} as const;

/**
 * How two versions of a template differ in their inputs (the template page's comparison).
 *
 * @public
 */
export interface TemplateVersionDiff {
  /** `major.minor` of the older side. */
  from: string;
  /** `major.minor` of the newer side. */
  to: string;
  /**
   * Per kind of inputs the template has (`environment`; or `service`, the instances' inputs, and
   * `pipeline`), what changed.
   */
  inputs: Array<{ kind: ProtonInputsKind; diff: ProtonInputsDiff }>;
}
