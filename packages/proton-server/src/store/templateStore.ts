import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

/**
 * Whether a template is a service template or an environment template.
 *
 * @public
 */
export type TemplateKind = 'service' | 'environment';

/** The registration and publication states of a template version. */
export type TemplateVersionStatus =
  | 'REGISTRATION_IN_PROGRESS'
  | 'REGISTRATION_FAILED'
  | 'DRAFT'
  | 'PUBLISHED';

/** A row of the `templates` table. */
export interface TemplateRecord {
  kind: TemplateKind;
  name: string;
  displayName?: string;
  description?: string;
  encryptionKey?: string;
  pipelineProvisioning?: string;
  provisioning?: string;
  createdAt: Date;
  lastModifiedAt: Date;
}

/** A service template version's compatible environment template. */
export interface CompatibleEnvironmentTemplate {
  templateName: string;
  majorVersion: string;
}

/** A row of the `template_versions` table. */
export interface TemplateVersionRecord {
  kind: TemplateKind;
  templateName: string;
  major: number;
  minor: number;
  status: TemplateVersionStatus;
  statusMessage?: string;
  description?: string;
  schema?: string;
  sourceBucket: string;
  sourceKey: string;
  compatibleEnvironmentTemplates?: CompatibleEnvironmentTemplate[];
  supportedComponentSources?: string[];
  /** Where the registered bundle is kept (`database`, or an S3 URL); absent until registered. */
  bundleLocation?: string;
  /**
   * The Git revision (repository, branch, commit, folder) a synced version's bundle came from; its
   * source bucket and key are then empty.
   */
  sourceRevision?: {
    repositoryProvider: string;
    repositoryName: string;
    branch: string;
    sha: string;
    directory: string;
  };
  createdAt: Date;
  lastModifiedAt: Date;
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function parseJsonColumn<T>(value: string | null): T | undefined {
  return value === null ? undefined : (JSON.parse(value) as T);
}

/** Maps a `templates` row to a record. */
export function toTemplateRecord(row: Record<string, any>): TemplateRecord {
  return {
    kind: row.kind,
    name: row.name,
    displayName: optional(row.display_name),
    description: optional(row.description),
    encryptionKey: optional(row.encryption_key),
    pipelineProvisioning: optional(row.pipeline_provisioning),
    provisioning: optional(row.provisioning),
    createdAt: new Date(Number(row.created_at)),
    lastModifiedAt: new Date(Number(row.last_modified_at)),
  };
}

/** Maps a `template_versions` row to a record. */
export function toTemplateVersionRecord(
  row: Record<string, any>,
): TemplateVersionRecord {
  return {
    kind: row.kind,
    templateName: row.template_name,
    major: Number(row.major),
    minor: Number(row.minor),
    status: row.status,
    statusMessage: optional(row.status_message),
    description: optional(row.description),
    schema: optional(row.schema),
    sourceBucket: row.source_bucket,
    sourceKey: row.source_key,
    compatibleEnvironmentTemplates: parseJsonColumn(
      row.compatible_environment_templates,
    ),
    supportedComponentSources: parseJsonColumn(row.supported_component_sources),
    bundleLocation: optional(row.bundle_location ?? null),
    sourceRevision: parseJsonColumn(row.source_revision ?? null),
    createdAt: new Date(Number(row.created_at)),
    lastModifiedAt: new Date(Number(row.last_modified_at)),
  };
}

/** The key columns of a template version's row, for `where` clauses. */
export function templateVersionKey(
  version: Pick<
    TemplateVersionRecord,
    'kind' | 'templateName' | 'major' | 'minor'
  >,
): Record<string, string | number> {
  return {
    kind: version.kind,
    template_name: version.templateName,
    major: version.major,
    minor: version.minor,
  };
}

/** Reads one template, or undefined. */
export async function findTemplate(
  db: Db,
  kind: TemplateKind,
  name: string,
): Promise<TemplateRecord | undefined> {
  const row = await db('templates').where({ kind, name }).first();
  return row ? toTemplateRecord(row) : undefined;
}

/** Inserts a template. */
export async function insertTemplate(
  db: Db,
  record: TemplateRecord,
): Promise<void> {
  await db('templates').insert({
    kind: record.kind,
    name: record.name,
    display_name: record.displayName ?? null,
    description: record.description ?? null,
    encryption_key: record.encryptionKey ?? null,
    pipeline_provisioning: record.pipelineProvisioning ?? null,
    provisioning: record.provisioning ?? null,
    created_at: record.createdAt.getTime(),
    last_modified_at: record.lastModifiedAt.getTime(),
  });
}

/** Reads one template version, or undefined. */
export async function findTemplateVersion(
  db: Db,
  kind: TemplateKind,
  templateName: string,
  major: number,
  minor: number,
): Promise<TemplateVersionRecord | undefined> {
  const row = await db('template_versions')
    .where({ kind, template_name: templateName, major, minor })
    .first();
  return row ? toTemplateVersionRecord(row) : undefined;
}

/** Inserts a template version. */
export async function insertTemplateVersion(
  db: Db,
  record: TemplateVersionRecord,
): Promise<void> {
  await db('template_versions').insert({
    kind: record.kind,
    template_name: record.templateName,
    major: record.major,
    minor: record.minor,
    status: record.status,
    status_message: record.statusMessage ?? null,
    description: record.description ?? null,
    schema: record.schema ?? null,
    source_bucket: record.sourceBucket,
    source_key: record.sourceKey,
    compatible_environment_templates: record.compatibleEnvironmentTemplates
      ? JSON.stringify(record.compatibleEnvironmentTemplates)
      : null,
    supported_component_sources: record.supportedComponentSources
      ? JSON.stringify(record.supportedComponentSources)
      : null,
    source_revision: record.sourceRevision
      ? JSON.stringify(record.sourceRevision)
      : null,
    created_at: record.createdAt.getTime(),
    last_modified_at: record.lastModifiedAt.getTime(),
  });
}

/** Updates the given columns of a template version. */
export async function updateTemplateVersion(
  db: Db,
  key: Pick<TemplateVersionRecord, 'kind' | 'templateName' | 'major' | 'minor'>,
  changes: Record<string, unknown>,
): Promise<void> {
  await db('template_versions').where(templateVersionKey(key)).update(changes);
}

/** The highest major version number of a template, or undefined when it has no versions. */
export async function highestMajorVersion(
  db: Db,
  kind: TemplateKind,
  templateName: string,
): Promise<number | undefined> {
  const row = await db('template_versions')
    .where({ kind, template_name: templateName })
    .max({ major: 'major' })
    .first();
  return row?.major === null || row?.major === undefined
    ? undefined
    : Number(row.major);
}

/** The highest minor version number within a major version, or undefined when there is none. */
export async function highestMinorVersion(
  db: Db,
  kind: TemplateKind,
  templateName: string,
  major: number,
): Promise<number | undefined> {
  const row = await db('template_versions')
    .where({ kind, template_name: templateName, major })
    .max({ minor: 'minor' })
    .first();
  return row?.minor === null || row?.minor === undefined
    ? undefined
    : Number(row.minor);
}

/**
 * The recommended (highest published) versions of templates: `recommendedVersion` (`major.minor`)
 * by template name, and the recommended minor version by `name/major`.
 */
export async function findRecommendedVersions(
  db: Db,
  kind: TemplateKind,
  templateNames: string[],
): Promise<{
  byTemplate: Map<string, string>;
  byMajor: Map<string, string>;
}> {
  const byTemplate = new Map<string, string>();
  const byMajor = new Map<string, string>();
  if (templateNames.length === 0) return { byTemplate, byMajor };
  const rows = await db('template_versions')
    .where({ kind, status: 'PUBLISHED' })
    .whereIn('template_name', templateNames)
    .groupBy('template_name', 'major')
    .select('template_name', 'major')
    .max({ minor: 'minor' })
    .orderBy(['template_name', 'major']);
  for (const row of rows as Array<Record<string, any>>) {
    // Ordered by major: the last one of each template is its highest published major.
    byTemplate.set(row.template_name, `${row.major}.${row.minor}`);
    byMajor.set(`${row.template_name}/${row.major}`, String(row.minor));
  }
  return { byTemplate, byMajor };
}
