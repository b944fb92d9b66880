import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import { deleteAllTags, putTags } from '../store/tagStore';
import {
  CompatibleEnvironmentTemplate,
  findRecommendedVersions,
  findTemplateVersion,
  highestMajorVersion,
  highestMinorVersion,
  insertTemplateVersion,
  TemplateKind,
  TemplateVersionRecord,
  toTemplateVersionRecord,
  updateTemplateVersion,
} from '../store/templateStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import type { S3ObjectSource } from '../bundles/bundleSource';
import type { Revision } from '../store/repositoryStore';
import { fetchPage } from './pagination';
import { templateVersionArn } from './resourceArns';
import { requireTemplate, TEMPLATE_KIND_NAMES } from './templates';

function versionMember(kind: TemplateKind): string {
  return `${TEMPLATE_KIND_NAMES[kind].member}Version`;
}

function describeVersion(
  record: TemplateVersionRecord,
  recommendedMinorVersion: string | undefined,
  context: OperationContext,
  summary: boolean,
): Record<string, unknown> {
  const description: Record<string, unknown> = {
    templateName: record.templateName,
    majorVersion: String(record.major),
    minorVersion: String(record.minor),
    recommendedMinorVersion,
    status: record.status,
    statusMessage: record.statusMessage,
    description: record.description,
    arn: templateVersionArn(
      context.settings,
      record.kind,
      record.templateName,
      record.major,
      record.minor,
    ),
    createdAt: record.createdAt,
    lastModifiedAt: record.lastModifiedAt,
  };
  if (!summary) {
    description.schema = record.schema;
    if (record.kind === 'service') {
      description.compatibleEnvironmentTemplates =
        record.compatibleEnvironmentTemplates ?? [];
      description.supportedComponentSources = record.supportedComponentSources;
    }
  }
  return description;
}

async function versionOutput(
  context: OperationContext,
  record: TemplateVersionRecord,
): Promise<Record<string, unknown>> {
  const { byMajor } = await findRecommendedVersions(context.db, record.kind, [
    record.templateName,
  ]);
  return {
    [versionMember(record.kind)]: describeVersion(
      record,
      byMajor.get(`${record.templateName}/${record.major}`),
      context,
      false,
    ),
  };
}

async function requireVersion(
  context: OperationContext,
  kind: TemplateKind,
  input: OperationInput,
): Promise<TemplateVersionRecord> {
  const major = Number(input.majorVersion);
  const minor = Number(input.minorVersion);
  const record = await findTemplateVersion(
    context.db,
    kind,
    input.templateName,
    major,
    minor,
  );
  if (!record) {
    throw resourceNotFound(
      `Version ${major}.${minor} of the ${TEMPLATE_KIND_NAMES[kind].label} ${input.templateName}`,
    );
  }
  return record;
}

/** Every compatible environment template must exist with the named major version. */
async function checkCompatibleEnvironmentTemplates(
  context: OperationContext,
  compatible: CompatibleEnvironmentTemplate[],
): Promise<void> {
  for (const { templateName, majorVersion } of compatible) {
    const version = await context
      .db('template_versions')
      .where({
        kind: 'environment',
        template_name: templateName,
        major: Number(majorVersion),
      })
      .first();
    if (!version) {
      throw validationError(
        `The compatible environment template ${templateName} has no major version ${majorVersion}`,
      );
    }
  }
}

/** A template version to create, from a request or from a repository folder by template sync. */
export interface TemplateVersionRequest {
  kind: TemplateKind;
  templateName: string;
  /** The major version; absent: a new major version after the highest one. */
  major?: number;
  /**
   * Whether `major` may be one the template does not have yet: template sync creates version N.0
   * from a new `vN` folder. Requests name an existing major version or none.
   */
  newMajorAllowed?: boolean;
  description?: string;
  /** Finds the bundle (.tar.gz), once the template is known to exist: its local path. */
  bundleFile(): Promise<string>;
  /** Where the bundle came from: an S3 object, or (template sync) a Git revision. */
  source: { s3: S3ObjectSource } | { revision: Revision };
  compatibleEnvironmentTemplates?: CompatibleEnvironmentTemplate[];
  supportedComponentSources?: string[];
  tags?: Array<{ key: string; value: string }>;
}

/**
 * Creates a template version in REGISTRATION_IN_PROGRESS and registers its bundle once the
 * transaction has committed (CreateEnvironmentTemplateVersion, CreateServiceTemplateVersion, and
 * template sync).
 *
 * @returns the version as created
 * @throws ProtonApiError ResourceNotFoundException for a template that does not exist,
 *   ValidationException for a major version the template does not have (unless `newMajorAllowed`)
 *   or compatible environment templates that do not exist
 */
export async function createTemplateVersion(
  context: OperationContext,
  request: TemplateVersionRequest,
): Promise<TemplateVersionRecord> {
  const { kind } = request;
  const template = await requireTemplate(context, kind, request.templateName);
  const bundleFile = await request.bundleFile();
  let major: number;
  if (request.major === undefined) {
    major =
      ((await highestMajorVersion(context.db, kind, template.name)) ?? 0) + 1;
  } else {
    major = request.major;
    if (
      !request.newMajorAllowed &&
      (await highestMinorVersion(context.db, kind, template.name, major)) ===
        undefined
    ) {
      throw validationError(
        `The ${TEMPLATE_KIND_NAMES[kind].label} ${template.name} has no major version ${major}; ` +
          'omit majorVersion to create a new major version',
      );
    }
  }
  const previousMinor = await highestMinorVersion(
    context.db,
    kind,
    template.name,
    major,
  );
  const compatible = request.compatibleEnvironmentTemplates ?? [];
  if (kind === 'service') {
    await checkCompatibleEnvironmentTemplates(context, compatible);
  }
  const s3 = 's3' in request.source ? request.source.s3 : undefined;
  const record: TemplateVersionRecord = {
    kind,
    templateName: template.name,
    major,
    minor: previousMinor === undefined ? 0 : previousMinor + 1,
    status: 'REGISTRATION_IN_PROGRESS',
    description: request.description,
    sourceBucket: s3?.bucket ?? '',
    sourceKey: s3?.key ?? '',
    sourceRevision:
      'revision' in request.source ? request.source.revision : undefined,
    compatibleEnvironmentTemplates:
      kind === 'service'
        ? compatible.map(c => ({
            templateName: c.templateName,
            majorVersion: c.majorVersion,
          }))
        : undefined,
    supportedComponentSources:
      kind === 'service' ? request.supportedComponentSources : undefined,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertTemplateVersion(context.db, record);
  await putTags(
    context.db,
    templateVersionArn(
      context.settings,
      kind,
      record.templateName,
      major,
      record.minor,
    ),
    request.tags ?? [],
  );
  const attempt = await context.templateRegistrar.claim(context.db, record);
  context.afterCommit(() =>
    context.templateRegistrar.register({
      kind,
      templateName: record.templateName,
      major,
      minor: record.minor,
      bundleFile,
      requiresPipeline: kind === 'service' && !template.pipelineProvisioning,
      customerManaged:
        kind === 'environment' && template.provisioning === 'CUSTOMER_MANAGED',
      createdAt: record.createdAt,
      attempt,
    }),
  );
  return record;
}

function createVersion(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const record = await createTemplateVersion(context, {
      kind,
      templateName: input.templateName,
      major:
        input.majorVersion === undefined
          ? undefined
          : Number(input.majorVersion),
      description: input.description,
      bundleFile: () => context.bundleSources.resolve(input.source.s3),
      source: { s3: input.source.s3 },
      compatibleEnvironmentTemplates: input.compatibleEnvironmentTemplates,
      supportedComponentSources: input.supportedComponentSources,
      tags: input.tags,
    });
    return versionOutput(context, record);
  };
}

function getVersion(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) =>
    versionOutput(context, await requireVersion(context, kind, input));
}

function listVersions(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const template = await requireTemplate(context, kind, input.templateName);
    const query = context
      .db('template_versions')
      .where({ kind, template_name: template.name });
    if (input.majorVersion !== undefined) {
      query.where({ major: Number(input.majorVersion) });
    }
    const page = await fetchPage(query, {
      listing: `List${TEMPLATE_KIND_NAMES[kind].operation}Versions/${
        template.name
      }/${input.majorVersion ?? ''}`,
      keyColumns: ['major', 'minor'],
      maxResults: input.maxResults,
      nextToken: input.nextToken,
    });
    const { byMajor } = await findRecommendedVersions(context.db, kind, [
      template.name,
    ]);
    return {
      templateVersions: page.rows.map(row => {
        const record = toTemplateVersionRecord(row);
        return describeVersion(
          record,
          byMajor.get(`${record.templateName}/${record.major}`),
          context,
          true,
        );
      }),
      nextToken: page.nextToken,
    };
  };
}

function updateVersion(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const record = await requireVersion(context, kind, input);
    const changes: Record<string, unknown> = {
      last_modified_at: context.now.getTime(),
    };
    const updated: TemplateVersionRecord = {
      ...record,
      lastModifiedAt: context.now,
    };
    if (input.status !== undefined && input.status !== record.status) {
      if (input.status !== 'DRAFT' && input.status !== 'PUBLISHED') {
        throw validationError(
          `A template version's status can only be set to DRAFT or PUBLISHED`,
        );
      }
      if (record.status !== 'DRAFT' && record.status !== 'PUBLISHED') {
        throw conflictError(
          `Version ${record.major}.${record.minor} is ${record.status}; only a registered version (DRAFT or PUBLISHED) can change status`,
        );
      }
      changes.status = updated.status = input.status;
    }
    if (input.description !== undefined) {
      changes.description = updated.description = input.description;
    }
    if (
      kind === 'service' &&
      input.compatibleEnvironmentTemplates !== undefined
    ) {
      await checkCompatibleEnvironmentTemplates(
        context,
        input.compatibleEnvironmentTemplates,
      );
      updated.compatibleEnvironmentTemplates =
        input.compatibleEnvironmentTemplates;
      changes.compatible_environment_templates = JSON.stringify(
        input.compatibleEnvironmentTemplates,
      );
    }
    if (kind === 'service' && input.supportedComponentSources !== undefined) {
      updated.supportedComponentSources = input.supportedComponentSources;
      changes.supported_component_sources = JSON.stringify(
        input.supportedComponentSources,
      );
    }
    await updateTemplateVersion(context.db, record, changes);
    return versionOutput(context, updated);
  };
}

function deleteVersion(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const record = await requireVersion(context, kind, input);
    const output = await versionOutput(context, record);
    const { byTemplate, byMajor } = await findRecommendedVersions(
      context.db,
      kind,
      [record.templateName],
    );
    const version = `${record.major}.${record.minor}`;
    const inUse = await context
      .db(kind === 'environment' ? 'environments' : 'service_instances')
      .where({
        template_name: record.templateName,
        template_major: record.major,
        template_minor: record.minor,
      })
      .first();
    if (inUse) {
      throw conflictError(
        `Version ${version} of ${record.templateName} is in use by ${
          kind === 'environment' ? 'an environment' : 'a service instance'
        }`,
      );
    }
    const pipeline =
      kind === 'service'
        ? await context
            .db('service_pipelines')
            .where({
              template_name: record.templateName,
              template_major: record.major,
              template_minor: record.minor,
            })
            .first('service_name')
        : undefined;
    if (pipeline) {
      throw conflictError(
        `Version ${version} of ${record.templateName} is in use by the pipeline of the service ${pipeline.service_name}`,
      );
    }
    const others = await context
      .db('template_versions')
      .where({ kind, template_name: record.templateName })
      .whereNot(q => q.where({ major: record.major, minor: record.minor }))
      .select('major');
    if (byTemplate.get(record.templateName) === version && others.length > 0) {
      throw conflictError(
        `Version ${version} is the recommended version of ${record.templateName}; ` +
          'it can only be deleted once no other version exists',
      );
    }
    const sameMajor = others.filter(
      o => Number(o.major) === record.major,
    ).length;
    if (
      byMajor.get(`${record.templateName}/${record.major}`) ===
        String(record.minor) &&
      sameMajor > 0
    ) {
      throw conflictError(
        `Version ${version} is the recommended minor version of major version ${record.major}; ` +
          'it can only be deleted once no other minor version of it exists',
      );
    }
    await context
      .db('template_versions')
      .where({
        kind,
        template_name: record.templateName,
        major: record.major,
        minor: record.minor,
      })
      .delete();
    await deleteAllTags(
      context.db,
      templateVersionArn(
        context.settings,
        kind,
        record.templateName,
        record.major,
        record.minor,
      ),
    );
    context.afterCommit(
      await context.templateRegistrar.forget(
        context.db,
        record,
        record.bundleLocation,
      ),
    );
    return output;
  };
}

/** The Create/Get/List/Update/Delete operations of service or environment template versions. */
export function templateVersionOperations(
  kind: TemplateKind,
): Record<string, OperationDefinition> {
  const name = `${TEMPLATE_KIND_NAMES[kind].operation}Version`;
  return {
    [`Create${name}`]: { handler: createVersion(kind) },
    [`Get${name}`]: { handler: getVersion(kind), readOnly: true },
    [`List${name}s`]: { handler: listVersions(kind), readOnly: true },
    [`Update${name}`]: { handler: updateVersion(kind) },
    [`Delete${name}`]: { handler: deleteVersion(kind) },
  };
}
