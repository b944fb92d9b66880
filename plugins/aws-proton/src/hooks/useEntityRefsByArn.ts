import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
} from '@proton-platform/plugin-aws-proton-common';
import useAsync from 'react-use/esm/useAsync';

/** The annotations by which the catalog provider ties entities to Proton resources. */
const ANNOTATIONS = [
  AWS_PROTON_SERVICE_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
];

const NONE: ReadonlyMap<string, string> = new Map();

/**
 * The catalog entities of Proton resources, by ARN: one catalog query (with the user's own
 * credentials, so entities the user cannot see are not linked) for every ARN given. An ARN without
 * an entity is absent from the map; the map is empty while the query runs or when it fails, so that
 * views show names without links rather than an error.
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
    if (!key) return NONE;
    const wanted = new Set(key.split('\n'));
    const { items } = await catalogApi.getEntities({
      filter: ANNOTATIONS.map(annotation => ({
        [`metadata.annotations.${annotation}`]: [...wanted],
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
      for (const annotation of ANNOTATIONS) {
        const arn = entity.metadata.annotations?.[annotation];
        if (arn && wanted.has(arn) && !refs.has(arn)) {
          refs.set(arn, stringifyEntityRef(entity));
        }
      }
    }
    return refs;
  }, [catalogApi, key]);
  return value ?? NONE;
}
