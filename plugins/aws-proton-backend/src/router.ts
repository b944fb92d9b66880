import { HttpAuthService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { AWS_PROTON_SERVICE_ANNOTATION } from '@proton-platform/plugin-aws-proton-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityArnResolver } from './services/EntityArnResolver';
import { ServiceOverviewService } from './services/ServiceOverviewService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  arns: EntityArnResolver;
  services: ServiceOverviewService;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,252}$/;

function entityRef(params: Record<string, string>): CompoundEntityRef {
  const { kind, namespace, name } = params;
  for (const [key, value] of Object.entries({ kind, namespace, name })) {
    if (!NAME.test(value)) {
      throw new InputError(`"${value}" is not a valid entity ${key}`);
    }
  }
  return { kind, namespace, name };
}

/**
 * The HTTP API of the `aws-proton` backend plugin, under `/api/aws-proton`. Callers name catalog
 * entities, never ARNs.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, arns, services } = options;
  const router = Router();
  router.use(express.json());

  router.get(
    '/v1/entities/:kind/:namespace/:name/service',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const arn = await arns.resolve(
        entityRef(req.params),
        AWS_PROTON_SERVICE_ANNOTATION,
        'service',
        credentials,
      );
      res.json(await services.getServiceOverview(arn));
    },
  );

  return router;
}
