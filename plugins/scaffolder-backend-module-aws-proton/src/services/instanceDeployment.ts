import { LoggerService } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { formatProtonArn } from '@proton-platform/plugin-aws-proton-common';
import {
  announceChange,
  DEFAULT_MAX_WAIT_SECONDS,
  pollIntervalsOf,
  ProtonActionOptions,
  triggerRecorderOf,
} from './actionOptions';
import { lastDeploymentIds } from './deploymentTriggers';
import {
  collectInstanceResults,
  failOnUnsuccessful,
  findServiceUrl,
  waitForServiceInstances,
} from './deploymentWaiter';
import { ProtonSession } from './ProtonSession';

/**
 * What the service instance actions do once Proton accepted the instance's deployment: announce the
 * change, wait for it unless told not to, output the instance's status and outputs, and fail the step
 * when the deployment failed.
 */
export async function finishInstanceDeployment(
  // any action's context: the outputs set here are declared by both instance actions
  ctx: Pick<
    ActionContext<any, any>,
    'output' | 'signal' | 'getInitiatorCredentials'
  >,
  options: ProtonActionOptions,
  session: ProtonSession,
  logger: LoggerService,
  input: {
    serviceName: string;
    instanceName: string;
    wait?: boolean;
    maxWaitSeconds?: number;
  },
  { recordTrigger }: { recordTrigger: boolean },
): Promise<void> {
  const serviceArn = formatProtonArn({
    resourceType: 'service',
    name: input.serviceName,
    ...session.target,
  });
  await announceChange(options, logger, { action: 'updated', arn: serviceArn });
  const triggers = triggerRecorderOf(
    options,
    ctx,
    session.target,
    logger,
    recordTrigger,
  );
  await triggers?.record(() =>
    lastDeploymentIds(session, {
      serviceName: input.serviceName,
      instanceNames: [input.instanceName],
    }),
  );
  if (input.wait === false) {
    ctx.output('deploymentStatus', 'IN_PROGRESS');
    ctx.output('outputs', {});
    return;
  }
  const settled = await waitForServiceInstances(
    session,
    input.serviceName,
    [input.instanceName],
    {
      logger,
      signal: ctx.signal,
      intervals: pollIntervalsOf(options),
      maxWaitMs: (input.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
      onDeployments: triggers && (ids => triggers.record(ids)),
    },
  );
  const [result] = await collectInstanceResults(
    session,
    input.serviceName,
    settled,
  );
  ctx.output('deploymentStatus', result.deploymentStatus);
  if (result.statusMessage) ctx.output('statusMessage', result.statusMessage);
  ctx.output('outputs', result.outputs);
  const serviceUrl = findServiceUrl([result]);
  if (serviceUrl) ctx.output('serviceUrl', serviceUrl);
  await announceChange(options, logger, { action: 'updated', arn: serviceArn });
  failOnUnsuccessful(
    [result],
    `instances of ${input.serviceName}`,
    false,
    logger,
  );
}
