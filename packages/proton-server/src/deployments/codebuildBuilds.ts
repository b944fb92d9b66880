import type { Build, EnvironmentVariable } from '@aws-sdk/client-codebuild';
import type { DeploymentJob } from './deploymentRunner';
import {
  CALLBACK_ACCESS_KEY_VARIABLE,
  CALLBACK_SECRET_KEY_VARIABLE,
  CALLBACK_SESSION_TOKEN_VARIABLE,
  deploymentVariables,
} from './stepEnvironment';

/**
 * Where a build's output is in CloudWatch Logs, as `BatchGetBuilds` reports it.
 *
 * @public
 */
export interface CodeBuildLogLocation {
  /** The CloudWatch Logs log group of the build. */
  groupName?: string;
  /** The CloudWatch Logs log stream of the build. */
  streamName?: string;
  /** The URL of the build's log in the CloudWatch console. */
  deepLink?: string;
}

/**
 * Reads a finished build's output, e.g. with `GetLogEvents` of `@aws-sdk/client-cloudwatch-logs`;
 * undefined when there is none.
 *
 * @public
 */
export type CodeBuildLogReader = (
  location: CodeBuildLogLocation,
) => Promise<string | undefined>;

const FAILED_PHASE_STATUSES = ['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'];

/** An AWS SDK error as `<name>: <message>`, e.g. `AccessDeniedException: User ... is not authorized`. */
export function describeError(error: unknown): string {
  const { name, message } = error as Error;
  return name && name !== 'Error' ? `${name}: ${message}` : String(message);
}

/**
 * The statusMessage of a build that ended in FAILED, FAULT, TIMED_OUT or STOPPED: the
 * failing phase's `contexts[].message`, and the step it names.
 */
export function buildFailureMessage(build: Build, commands: string[]): string {
  const phase = build.phases?.find(p =>
    FAILED_PHASE_STATUSES.includes(p.phaseStatus ?? ''),
  );
  const reasons = (phase?.contexts ?? [])
    .map(context => context.message)
    .filter(Boolean)
    .join('; ');
  const step = commands.findIndex(command =>
    reasons.includes(`command: ${command.split('\n')[0]}`),
  );
  const where = phase ? ` in phase ${phase.phaseType}` : '';
  const stepText = step >= 0 ? ` (step ${step + 1}/${commands.length})` : '';
  return `The CodeBuild build ${build.id} ended ${
    build.buildStatus
  }${where}${stepText}${reasons ? `: ${reasons}` : ''}`;
}

/** The names of the Parameter Store parameters that hold a deployment's secret callback values. */
export function callbackParameterNames(
  prefix: string,
  deploymentId: string,
): { secretAccessKey: string; sessionToken: string } {
  return {
    secretAccessKey: `${prefix}${deploymentId}/secret-access-key`,
    sessionToken: `${prefix}${deploymentId}/session-token`,
  };
}

/**
 * The environment of a build: the deployment's variables (as the `local` runner sets them) and its
 * temporary callback credentials, in the variables only `aws proton ...` uses (see
 * `CALLBACK_PRELUDE`): the access key id as plain text, the secret key and session token as
 * PARAMETER_STORE variables naming the SecureString parameters that hold them, so that no secret is
 * readable in the build's details.
 */
export function buildEnvironment(
  job: DeploymentJob,
  endpoint: string,
  parameters: { secretAccessKey: string; sessionToken: string },
): EnvironmentVariable[] {
  return [
    ...Object.entries(deploymentVariables(job, endpoint)).map(
      ([name, value]) => ({ name, value, type: 'PLAINTEXT' as const }),
    ),
    {
      name: CALLBACK_ACCESS_KEY_VARIABLE,
      value: job.credentials.accessKeyId,
      type: 'PLAINTEXT',
    },
    {
      name: CALLBACK_SECRET_KEY_VARIABLE,
      value: parameters.secretAccessKey,
      type: 'PARAMETER_STORE',
    },
    {
      name: CALLBACK_SESSION_TOKEN_VARIABLE,
      value: parameters.sessionToken,
      type: 'PARAMETER_STORE',
    },
  ];
}

/**
 * A finished build's output, read with `reader` when there is one; `notes` say where the output is
 * when it was not read (the CloudWatch deep link).
 */
export async function readBuildOutput(
  build: Build,
  reader: CodeBuildLogReader | undefined,
): Promise<{ output?: string; notes: string[] }> {
  const logs = build.logs ?? {};
  const notes: string[] = [];
  if (reader) {
    try {
      const output = await reader({
        groupName: logs.groupName,
        streamName: logs.streamName,
        deepLink: logs.deepLink,
      });
      if (output !== undefined) return { output, notes };
    } catch (error) {
      notes.push(`Could not read the build's log: ${describeError(error)}`);
    }
  }
  const link = logs.deepLink ?? '(the project writes no CloudWatch logs)';
  notes.push(
    `The build's output is in CloudWatch Logs: ${link}${
      reader
        ? ''
        : ' (the runner has no CloudWatch Logs reader: option readBuildLog)'
    }`,
  );
  return { notes };
}
