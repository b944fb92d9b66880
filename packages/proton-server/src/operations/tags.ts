import {
  formatProtonArn,
  InvalidProtonArnError,
  parseProtonArn,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  accessDenied,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  countTags,
  deleteTags,
  MAX_TAGS_PER_RESOURCE,
  putTags,
} from '../store/tagStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { fetchPage } from './pagination';

function parseArn(arn: string): ProtonArn {
  try {
    return parseProtonArn(arn);
  } catch (error) {
    if (error instanceof InvalidProtonArnError) {
      throw validationError(error.message);
    }
    throw error;
  }
}

function versionParts(version: string | undefined): {
  major: number;
  minor: number;
} {
  const [major, minor] = (version ?? '').split('.').map(Number);
  return { major, minor };
}

/** Whether the resource an ARN names exists in this control plane. */
async function resourceExists(
  context: OperationContext,
  arn: ProtonArn,
): Promise<boolean> {
  const { db, settings } = context;
  if (arn.region !== settings.region) {
    return false;
  }
  let query;
  switch (arn.resourceType) {
    case 'service-template':
    case 'environment-template':
      query = db('templates').where({
        kind: arn.resourceType.replace('-template', ''),
        name: arn.name,
      });
      break;
    case 'service-template-version':
    case 'environment-template-version':
      query = db('template_versions').where({
        kind: arn.resourceType.replace('-template-version', ''),
        template_name: arn.name,
        ...versionParts(arn.version),
      });
      break;
    case 'environment':
      query = db('environments').where({ name: arn.name });
      break;
    case 'service':
      query = db('services').where({ name: arn.name });
      break;
    case 'component':
      query = db('components').where({ name: arn.name });
      break;
    case 'service-instance':
      query = db('service_instances').where({
        service_name: arn.name,
        name: arn.instanceName,
      });
      break;
    default:
      return false;
  }
  return !!(await query.first());
}

/**
 * Checks that the resource exists here and returns its ARN in the one form tags are kept under
 * (a service instance's earlier `service/<service>/<instance>` form is read as AWS's).
 */
async function requireTaggableResource(
  context: OperationContext,
  resourceArn: string,
): Promise<string> {
  const arn = parseArn(resourceArn);
  if (arn.accountId !== context.settings.accountId) {
    throw accessDenied(
      `${resourceArn} belongs to account ${arn.accountId}; this control plane serves account ${context.settings.accountId}`,
    );
  }
  if (!(await resourceExists(context, arn))) {
    throw resourceNotFound(`The resource ${resourceArn}`);
  }
  return formatProtonArn(arn);
}

async function tagResource(input: OperationInput, context: OperationContext) {
  const arn = await requireTaggableResource(context, input.resourceArn);
  await putTags(context.db, arn, input.tags);
  if ((await countTags(context.db, arn)) > MAX_TAGS_PER_RESOURCE) {
    throw validationError(
      `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; ${input.resourceArn} would have more`,
    );
  }
  return {};
}

async function untagResource(input: OperationInput, context: OperationContext) {
  const arn = await requireTaggableResource(context, input.resourceArn);
  await deleteTags(context.db, arn, input.tagKeys);
  return {};
}

async function listTagsForResource(
  input: OperationInput,
  context: OperationContext,
) {
  const arn = await requireTaggableResource(context, input.resourceArn);
  const page = await fetchPage(
    context.db('tags').where({ resource_arn: arn }),
    {
      listing: `ListTagsForResource/${arn}`,
      keyColumns: ['key'],
      maxResults: input.maxResults,
      nextToken: input.nextToken,
    },
  );
  return {
    tags: page.rows.map(row => ({ key: row.key, value: row.value })),
    nextToken: page.nextToken,
  };
}

/** TagResource, UntagResource and ListTagsForResource. */
export const tagOperations: Record<string, OperationDefinition> = {
  TagResource: { handler: tagResource },
  UntagResource: { handler: untagResource },
  ListTagsForResource: { handler: listTagsForResource, readOnly: true },
};
