import { conflictError, resourceNotFound } from '../protocol/errors';
import { forgetResource } from '../store/deploymentStore';
import { forgetTemplateSync } from '../store/syncAttemptStore';
import { putTags } from '../store/tagStore';
import {
  findRecommendedVersions,
  findTemplate,
  insertTemplate,
  TemplateKind,
  TemplateRecord,
  toTemplateRecord,
} from '../store/templateStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import {
  rememberCreateRequest,
  requireRepeatOfCreate,
} from './idempotentCreates';
import { fetchPage } from './pagination';
import { templateArn } from './resourceArns';

/** How a template kind is spelled in operation names and output members. */
export const TEMPLATE_KIND_NAMES: Record<
  TemplateKind,
  { operation: string; member: string; label: string }
> = {
  service: {
    operation: 'ServiceTemplate',
    member: 'serviceTemplate',
    label: 'service template',
  },
  environment: {
    operation: 'EnvironmentTemplate',
    member: 'environmentTemplate',
    label: 'environment template',
  },
};

function describeTemplate(
  record: TemplateRecord,
  recommendedVersion: string | undefined,
  context: OperationContext,
  summary: boolean,
): Record<string, unknown> {
  return {
    name: record.name,
    arn: templateArn(context.settings, record.kind, record.name),
    createdAt: record.createdAt,
    lastModifiedAt: record.lastModifiedAt,
    displayName: record.displayName,
    description: record.description,
    recommendedVersion,
    encryptionKey: summary ? undefined : record.encryptionKey,
    pipelineProvisioning: record.pipelineProvisioning,
    provisioning: record.provisioning,
  };
}

/** Reads a template or fails with ResourceNotFoundException. */
export async function requireTemplate(
  context: OperationContext,
  kind: TemplateKind,
  name: string,
): Promise<TemplateRecord> {
  const record = await findTemplate(context.db, kind, name);
  if (!record) {
    throw resourceNotFound(`The ${TEMPLATE_KIND_NAMES[kind].label} ${name}`);
  }
  return record;
}

async function templateOutput(
  context: OperationContext,
  record: TemplateRecord,
): Promise<Record<string, unknown>> {
  const { byTemplate } = await findRecommendedVersions(
    context.db,
    record.kind,
    [record.name],
  );
  return {
    [TEMPLATE_KIND_NAMES[record.kind].member]: describeTemplate(
      record,
      byTemplate.get(record.name),
      context,
      false,
    ),
  };
}

function createTemplate(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const { label, operation } = TEMPLATE_KIND_NAMES[kind];
    const arn = templateArn(context.settings, kind, input.name);
    const existing = await findTemplate(context.db, kind, input.name);
    if (existing) {
      await requireRepeatOfCreate(
        context,
        `Create${operation}`,
        arn,
        input,
        `The ${label} ${input.name}`,
      );
      return templateOutput(context, existing);
    }
    const record: TemplateRecord = {
      kind,
      name: input.name,
      displayName: input.displayName,
      description: input.description,
      encryptionKey: input.encryptionKey,
      pipelineProvisioning:
        kind === 'service' ? input.pipelineProvisioning : undefined,
      provisioning: kind === 'environment' ? input.provisioning : undefined,
      createdAt: context.now,
      lastModifiedAt: context.now,
    };
    await insertTemplate(context.db, record);
    await putTags(context.db, arn, input.tags ?? []);
    await rememberCreateRequest(context, `Create${operation}`, arn, input);
    return templateOutput(context, record);
  };
}

function getTemplate(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) =>
    templateOutput(context, await requireTemplate(context, kind, input.name));
}

function listTemplates(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const page = await fetchPage(context.db('templates').where({ kind }), {
      listing: `List${TEMPLATE_KIND_NAMES[kind].operation}s`,
      keyColumns: ['name'],
      maxResults: input.maxResults,
      nextToken: input.nextToken,
    });
    const records = page.rows.map(toTemplateRecord);
    const { byTemplate } = await findRecommendedVersions(
      context.db,
      kind,
      records.map(r => r.name),
    );
    return {
      templates: records.map(record =>
        describeTemplate(record, byTemplate.get(record.name), context, true),
      ),
      nextToken: page.nextToken,
    };
  };
}

function updateTemplate(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const record = await requireTemplate(context, kind, input.name);
    const updated: TemplateRecord = {
      ...record,
      displayName: input.displayName ?? record.displayName,
      description: input.description ?? record.description,
      lastModifiedAt: context.now,
    };
    await context
      .db('templates')
      .where({ kind, name: record.name })
      .update({
        display_name: updated.displayName ?? null,
        description: updated.description ?? null,
        last_modified_at: context.now.getTime(),
      });
    return templateOutput(context, updated);
  };
}

function deleteTemplate(kind: TemplateKind) {
  return async (input: OperationInput, context: OperationContext) => {
    const record = await requireTemplate(context, kind, input.name);
    const output = await templateOutput(context, record);
    const versions = await context
      .db('template_versions')
      .where({ kind, template_name: record.name })
      .count({ count: '*' })
      .first();
    if (Number(versions?.count ?? 0) > 0) {
      throw conflictError(
        `The ${TEMPLATE_KIND_NAMES[kind].label} ${record.name} still has versions; delete them first`,
      );
    }
    await context.db('templates').where({ kind, name: record.name }).delete();
    // a template that is gone follows no branch any more
    await forgetTemplateSync(context.db, kind, record.name);
    await forgetResource(
      context.db,
      templateArn(context.settings, kind, record.name),
    );
    return output;
  };
}

/** The Create/Get/List/Update/Delete operations of service or environment templates. */
export function templateOperations(
  kind: TemplateKind,
): Record<string, OperationDefinition> {
  const name = TEMPLATE_KIND_NAMES[kind].operation;
  return {
    [`Create${name}`]: { handler: createTemplate(kind) },
    [`Get${name}`]: { handler: getTemplate(kind), readOnly: true },
    [`List${name}s`]: { handler: listTemplates(kind), readOnly: true },
    [`Update${name}`]: { handler: updateTemplate(kind) },
    [`Delete${name}`]: { handler: deleteTemplate(kind) },
  };
}
