import { formatProtonArn } from '@proton-platform/plugin-aws-proton-common';
import type { TemplateKind } from '../store/templateStore';
import type { OperationSettings } from './operationContext';

/** The ARN of a service or environment template. */
export function templateArn(
  settings: OperationSettings,
  kind: TemplateKind,
  name: string,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: `${kind}-template`,
    name,
  });
}

/** The ARN of a service or environment template version (`.../<name>/<major>.<minor>`). */
export function templateVersionArn(
  settings: OperationSettings,
  kind: TemplateKind,
  name: string,
  major: number,
  minor: number,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: `${kind}-template-version`,
    name,
    version: `${major}.${minor}`,
  });
}

/** The ARN of an environment. */
export function environmentArn(
  settings: OperationSettings,
  name: string,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: 'environment',
    name,
  });
}

/** The ARN of a deployment, `arn:aws:proton:<region>:<account>:deployment/<id>`. */
export function deploymentArn(settings: OperationSettings, id: string): string {
  return `arn:aws:proton:${settings.region}:${settings.accountId}:deployment/${id}`;
}

/** The ARN of a service. */
export function serviceArn(settings: OperationSettings, name: string): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: 'service',
    name,
  });
}

/** The ARN of a service instance, `.../service/<service>/<instance>`. */
export function serviceInstanceArn(
  settings: OperationSettings,
  serviceName: string,
  name: string,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: 'service-instance',
    name: serviceName,
    instanceName: name,
  });
}

/** The ARN of a service's pipeline, `.../service/<service>/pipeline/<id>`. */
export function servicePipelineArn(
  settings: OperationSettings,
  serviceName: string,
  pipelineId: string,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: 'service-pipeline',
    name: serviceName,
    pipelineId,
  });
}

/** The ARN of a directly defined component, `.../component/<name>`. */
export function componentArn(
  settings: OperationSettings,
  name: string,
): string {
  return formatProtonArn({
    region: settings.region,
    accountId: settings.accountId,
    resourceType: 'component',
    name,
  });
}

/**
 * The ARN of a linked repository: `arn:aws:proton:<region>:<account>:repository/<provider>:<name>`,
 * the provider in lower case (`github:owner/repo`).
 */
export function repositoryArn(
  settings: OperationSettings,
  provider: string,
  name: string,
): string {
  return `arn:aws:proton:${settings.region}:${
    settings.accountId
  }:repository/${provider.toLowerCase()}:${name}`;
}
