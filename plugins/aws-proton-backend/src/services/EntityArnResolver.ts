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

  /**
   * The ARN in one annotation of an entity.
   *
   * @throws NotFoundError when the caller cannot see the entity or it lacks the annotation;
   *   InputError when the annotation is not an ARN of `resourceType`
   */
  async resolve(
    ref: CompoundEntityRef,
    annotation: string,
    resourceType: ProtonResourceType,
    credentials: BackstageCredentials,
  ): Promise<ProtonArn> {
    return this.resolveFirst(ref, [{ annotation, resourceType }], credentials);
  }

  /**
   * The ARN in the first of `candidates`' annotations the entity has (one catalog read), e.g. a
   * service template's or an environment template's.
   *
   * @throws as {@link EntityArnResolver.resolve}, naming every annotation looked for
   */
  async resolveFirst(
    ref: CompoundEntityRef,
    candidates: Array<{ annotation: string; resourceType: ProtonResourceType }>,
    credentials: BackstageCredentials,
  ): Promise<ProtonArn> {
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    const name = stringifyEntityRef(ref);
    if (!entity) {
      throw new NotFoundError(`No entity ${name} in the catalog`);
    }
    const found = candidates.find(
      candidate => entity.metadata.annotations?.[candidate.annotation],
    );
    if (!found) {
      throw new NotFoundError(
        `Entity ${name} has no ${candidates
          .map(candidate => candidate.annotation)
          .join(' or ')} annotation`,
      );
    }
    const value = entity.metadata.annotations![found.annotation];
    try {
      return parseProtonArn(value, found.resourceType);
    } catch (error) {
      if (error instanceof InvalidProtonArnError) {
        throw new InputError(
          `The ${found.annotation} annotation of ${name} is not valid: ${error.message}`,
        );
      }
      throw error;
    }
  }
}
