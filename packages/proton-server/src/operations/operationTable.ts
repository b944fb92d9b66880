import { componentOperations } from './components';
import type { OperationDefinition } from './operationContext';
import { deploymentOperations } from './deployments';
import { repositoryOperations } from './repositories';
import { environmentOperations } from './environments';
import { serviceInstanceOperations } from './serviceInstances';
import { servicePipelineOperations } from './servicePipelines';
import { serviceOperations } from './services';
import { serviceSyncConfigOperations } from './serviceSyncConfigs';
import { tagOperations } from './tags';
import { templateOperations } from './templates';
import { templateSyncConfigOperations } from './templateSyncConfigs';
import { templateVersionOperations } from './templateVersions';

/**
 * Every Proton operation this control plane implements, by name. Operations of the model that are
 * not here are answered with an UnknownOperationException saying so.
 */
export function createOperationTable(): Record<string, OperationDefinition> {
  return {
    ...templateOperations('service'),
    ...templateOperations('environment'),
    ...templateVersionOperations('service'),
    ...templateVersionOperations('environment'),
    ...environmentOperations,
    ...serviceOperations,
    ...serviceInstanceOperations,
    ...servicePipelineOperations,
    ...componentOperations,
    ...deploymentOperations,
    ...tagOperations,
    ...repositoryOperations,
    ...templateSyncConfigOperations,
    ...serviceSyncConfigOperations,
  };
}
