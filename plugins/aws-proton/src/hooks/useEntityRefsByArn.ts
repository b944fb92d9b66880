import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  formatProtonArn,
  parseProtonArn,
  ProtonResourceType,
} from '@proton-platform/plugin-aws-proton-common';
import useAsync from 'react-use/esm/useAsync';

/** The annotation by which the catalog provider ties an entity to a Proton resource, by its kind. */
const ANNOTATION_BY_TYPE: Partial<Record<ProtonResourceType, string>> = {
  service: AWS_PROTON_SERVICE_ANNOTATION,
  environment: AWS_PROTON_ENVIRONMENT_ANNOTATION,
  'service-template': AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  'environment-template': AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
};

/** The annotation that holds `arn` on its resource's entity; undefined for other ARNs. */
function annotationFor(arn: string): string | undefined {
  try {
    return ANNOTATION_BY_TYPE[parseProtonArn(arn).resourceType];
  } catch {
    return undefined;
  }
}

const NONE: ReadonlyMap<string, string> = new Map();

/**
 * The ARN of another Proton resource of `arn`'s account and Region (a service's template, an
 * environment's services), whose entity a card links to; undefined when `arn` is not a Proton ARN.
 */
export function arnBeside(
  arn: string,
  resourceType:
    | 'service'
    | 'environment'
    | 'service-template'
    | 'environment-template',
  name: string,
): string | undefined {
  try {
    return formatProtonArn({ ...parseProtonArn(arn), resourceType, name });
  } catch {
    return undefined;
  }
}

/**
 * The catalog entities of Proton resources, by ARN: one catalog query (with the user's own
 * credentials, so entities the user cannot see are not linked) for every ARN given. An ARN without
 * an entity is absent from the map; the map is empty until the first query settles, or when it fails
 * (while a later query runs, the last answer stays), so that views show names without links rather
 * than an error.
 *
 * @param arns - Proton ARNs of services, environments and templates
 * @returns entity references (`resource:default/dev`) by ARN
 */
export function useEntityRefsByArn(
  arns: readonly (string | undefined)[],
): ReadonlyMap<string, string> {
  const catalogApi = useApi(catalogApiRef);
  const key = [...new Set(arns.filter((a): a is string => Boolean(a)))]
    .sort()
    .join('\n');
  const { value } = useAsync(async () => {
    // each ARN is looked for under the annotation of its own kind of resource only: an entity that
    // holds an environment's ARN under the service annotation (a misconfigured one) does not stand
    // for the environment
    const byAnnotation = new Map<string, string[]>();
    for (const arn of key ? key.split('\n') : []) {
      const annotation = annotationFor(arn);
      if (annotation) {
        byAnnotation.set(annotation, [
          ...(byAnnotation.get(annotation) ?? []),
          arn,
        ]);
      }
    }
    if (byAnnotation.size === 0) return NONE;
    const { items } = await catalogApi.getEntities({
      filter: [...byAnnotation].map(([annotation, wanted]) => ({
        [`metadata.annotations.${annotation}`]: wanted,
      })),
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    });
    const refs = new Map<string, string>();
    for (const entity of items) {
      // a scaffolder template made for a Proton template carries its annotation too: it uses the
      // template, it does not stand for it
      if (entity.kind === 'Template') continue;
      for (const [annotation, wanted] of byAnnotation) {
        const arn = entity.metadata.annotations?.[annotation];
        if (arn && wanted.includes(arn) && !refs.has(arn)) {
          refs.set(arn, stringifyEntityRef(entity));
        }
      }
    }
    return refs;
  }, [catalogApi, key]);
  return value ?? NONE;
}
