import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  InvalidProtonArnError,
  parseProtonArn,
  ProtonArn,
  ProtonResourceType,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * Finds the Proton ARN of a catalog entity by reading its annotation through the catalog with the
 * caller's credentials, so that catalog permissions apply: an entity the caller cannot see is not found.
 *
 * @public
 */
export class EntityArnResolver {
  constructor(private readonly catalog: CatalogService) {}

  async resolve(
    ref: CompoundEntityRef,
    annotation: string,
    resourceType: ProtonResourceType,
    credentials: BackstageCredentials,
  ): Promise<ProtonArn> {
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    const name = stringifyEntityRef(ref);
    if (!entity) {
      throw new NotFoundError(`No entity ${name} in the catalog`);
    }
    const value = entity.metadata.annotations?.[annotation];
    if (!value) {
      throw new NotFoundError(`Entity ${name} has no ${annotation} annotation`);
    }
    try {
      return parseProtonArn(value, resourceType);
    } catch (error) {
      if (error instanceof InvalidProtonArnError) {
        throw new InputError(
          `The ${annotation} annotation of ${name} is not valid: ${error.message}`,
        );
      }
      throw error;
    }
  }
}
