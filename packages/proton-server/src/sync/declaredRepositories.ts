import { ProtonApiError } from '../protocol/errors';
import type { ProtonServerLogger } from '../protocol/requestListener';
import type { DeclaredRepository } from './gitConnections';

/** Calls a Proton operation as an operator. */
type Invoke = (
  operation: string,
  input: Record<string, unknown>,
) => Promise<any>;

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (
      error instanceof ProtonApiError &&
      error.errorName === 'ResourceNotFoundException'
    ) {
      return false;
    }
    throw error;
  }
}

/** Runs `create`; a ConflictException (another server created it meanwhile) counts as done. */
async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (
      !(error instanceof ProtonApiError) ||
      error.errorName !== 'ConflictException'
    ) {
      throw error;
    }
  }
}

/**
 * Links the repositories of `protonServer.git.repositories` and lets their templates follow them,
 * through the Proton operations (as an operator would call them): the repository
 * (`CreateRepository`, which answers the existing link), each template when missing
 * (`CreateEnvironmentTemplate`, `CreateServiceTemplate`), and its sync configuration (created, or
 * updated when the branch or folder changed). Several servers starting at once do it once. A
 * declaration the Proton API refuses is logged with the reason; the others are still applied.
 */
export async function applyDeclaredRepositories(
  declared: DeclaredRepository[],
  invoke: Invoke,
  logger: ProtonServerLogger,
): Promise<void> {
  for (const repository of declared) {
    const label = `${repository.provider}:${repository.name}`;
    try {
      await invoke('CreateRepository', {
        provider: repository.provider,
        name: repository.name,
        connectionArn: repository.connectionArn,
      });
    } catch (error) {
      logger.error(
        `Could not link the repository ${label} of protonServer.git.repositories: ${
          (error as Error).message
        }`,
      );
      continue;
    }
    for (const template of repository.templates ?? []) {
      const kind =
        template.type === 'SERVICE' ? 'ServiceTemplate' : 'EnvironmentTemplate';
      try {
        if (
          !(await exists(() => invoke(`Get${kind}`, { name: template.name })))
        ) {
          await createOnce(() =>
            invoke(`Create${kind}`, {
              name: template.name,
              displayName: template.displayName,
              description: template.description,
              ...(template.type === 'SERVICE'
                ? { pipelineProvisioning: template.pipelineProvisioning }
                : { provisioning: template.provisioning }),
            }),
          );
          logger.info(
            `Created the ${kind} ${template.name} (protonServer.git.repositories)`,
          );
        }
        const config = {
          templateName: template.name,
          templateType: template.type,
          repositoryProvider: repository.provider,
          repositoryName: repository.name,
          branch: template.branch,
          subdirectory: template.subdirectory,
        };
        let current: Record<string, unknown> | undefined;
        try {
          current = (
            await invoke('GetTemplateSyncConfig', {
              templateName: template.name,
              templateType: template.type,
            })
          ).templateSyncConfig;
        } catch (error) {
          if (
            !(error instanceof ProtonApiError) ||
            error.errorName !== 'ResourceNotFoundException'
          ) {
            throw error;
          }
        }
        if (!current) {
          await createOnce(() => invoke('CreateTemplateSyncConfig', config));
          logger.info(
            `${template.name} follows ${label}@${template.branch} (template sync)`,
          );
        } else if (
          current.repositoryProvider !== config.repositoryProvider ||
          current.repositoryName !== config.repositoryName ||
          current.branch !== config.branch ||
          (current.subdirectory ?? undefined) !== config.subdirectory
        ) {
          await invoke('UpdateTemplateSyncConfig', config);
          logger.info(
            `${template.name} follows ${label}@${template.branch} now (template sync)`,
          );
        }
      } catch (error) {
        logger.error(
          `Could not let the ${template.type.toLowerCase()} template ${
            template.name
          } follow ${label} ` +
            `(protonServer.git.repositories): ${(error as Error).message}`,
        );
      }
    }
  }
}
