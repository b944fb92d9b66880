import {
  CreateEnvironmentCommand,
  GetEnvironmentCommand,
} from '@aws-sdk/client-proton';
import { ENVIRONMENT_SCHEMA, serviceSchema } from './templateBundles';
import type { TestServer } from './testServer';

/** A CodeBuild provisioning manifest running `provision` and `deprovision` in a shell. */
export function codebuildManifest(
  provision: string[],
  deprovision: string[] = ['echo deprovisioning $RESOURCE_ARN'],
): string {
  const list = (steps: string[]) =>
    steps.map(step => `          - ${JSON.stringify(step)}\n`).join('');
  return `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:4.0
        provision:
${list(provision)}        deprovision:
${list(deprovision)}`;
}

/** The step that reports `outputs.json` as Proton's CodeBuild examples do. */
export const NOTIFY_OUTPUTS =
  'aws proton notify-resource-deployment-status-change --resource-arn $RESOURCE_ARN --status IN_PROGRESS --outputs file://./outputs.json';

/** An environment bundle whose provisioning runs `provision`. */
export function shellEnvironmentBundle(
  provision: string[],
  deprovision?: string[],
): Record<string, string> {
  return {
    'schema/schema.yaml': ENVIRONMENT_SCHEMA,
    'infrastructure/manifest.yaml': codebuildManifest(provision, deprovision),
  };
}

/** A service bundle whose instance provisioning runs `provision`. */
export function shellServiceBundle(
  provision: string[],
  deprovision?: string[],
): Record<string, string> {
  return {
    'schema/schema.yaml': serviceSchema(),
    'instance_infrastructure/manifest.yaml': codebuildManifest(
      provision,
      deprovision,
    ),
  };
}

/** Creates an environment of `vpc` 1 (without waiting). */
export async function createEnvironment(
  test: TestServer,
  name: string,
  spec = 'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.1.0.0/16\n',
) {
  const created = await test.client.send(
    new CreateEnvironmentCommand({
      name,
      templateName: 'vpc',
      templateMajorVersion: '1',
      spec,
    }),
  );
  return created.environment!;
}

/** Polls an environment until its deployment status is one of `statuses` (at most 20 s). */
export async function waitForEnvironmentStatus(
  test: TestServer,
  name: string,
  statuses: string[],
) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { environment } = await test.client.send(
      new GetEnvironmentCommand({ name }),
    );
    if (statuses.includes(environment!.deploymentStatus!)) return environment!;
    if (Date.now() > deadline) {
      throw new Error(
        `${name} is still ${environment!.deploymentStatus}, not ${statuses}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
