import type { EnvironmentInputs } from './inputs';

/**
 * What prepare.sh reads from the account before each deployment (see its header), as the program
 * takes it from the stack configuration. Absent (a simulation, or a run without prepare.sh): nothing
 * is known, and nothing is refused for it.
 */

/** A rule on a listener of the environment's load balancer, other than its default one. */
export interface ListenerRuleInUse {
  arn: string;
  /** The tags fargate-service gives its rules; absent on a rule made outside these templates. */
  service?: string;
  instance?: string;
}

/** A listener of the stack's load balancer that still routes to services. */
export interface ListenerInUse {
  listenerArn: string;
  /** 80 (HTTP) or 443 (HTTPS). */
  port: number;
  rules: ListenerRuleInUse[];
}

/**
 * Reads the configuration `listenersInUse`.
 *
 * @throws Error naming what is malformed
 */
export function readListenersInUse(value: unknown): ListenerInUse[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new Error('Configuration listenersInUse must be a list of listeners');
  }
  return value.map((listener, index) => {
    if (
      typeof listener?.listenerArn !== 'string' ||
      !Number.isInteger(listener?.port) ||
      !Array.isArray(listener?.rules)
    ) {
      throw new Error(
        `Configuration listenersInUse[${index}] must have a listenerArn, a port and rules`,
      );
    }
    return {
      listenerArn: listener.listenerArn,
      port: listener.port,
      rules: listener.rules
        .filter((rule: any) => typeof rule?.arn === 'string')
        .map((rule: any) => ({
          arn: rule.arn,
          ...(typeof rule.service === 'string'
            ? { service: rule.service }
            : {}),
          ...(typeof rule.instance === 'string'
            ? { instance: rule.instance }
            : {}),
        })),
    };
  });
}

function routed(rules: ListenerRuleInUse[]): string {
  const named = rules.map(rule =>
    rule.service
      ? `service ${rule.service} instance ${rule.instance ?? '(unnamed)'}`
      : `rule ${rule.arn}, made outside these templates`,
  );
  const shown = named.slice(0, 5).join('; ');
  return named.length > 5 ? `${shown} (and ${named.length - 5} more)` : shown;
}

/**
 * Why this deployment must not go ahead given the listeners services use, or undefined: turning the
 * load balancer off removes every listener, and leaving out the certificate removes the HTTPS one,
 * with the rules on them (ELB DeleteListener), which would cut those services off without a word.
 */
export function listenerRemovalProblem(
  inputs: Pick<EnvironmentInputs, 'loadBalancer' | 'httpsCertificateArn'>,
  listeners: ListenerInUse[],
): string | undefined {
  const used = listeners.filter(listener => listener.rules.length > 0);
  if (!inputs.loadBalancer && used.length > 0) {
    return (
      'Input loadBalancer is false, and the load balancer still routes to ' +
      `${routed(
        used.flatMap(listener => listener.rules),
      )}: removing it would cut them off. ` +
      'Delete those service instances or deploy them to another environment first'
    );
  }
  const https = used.filter(listener => listener.port === 443);
  if (inputs.loadBalancer && !inputs.httpsCertificateArn && https.length > 0) {
    return (
      'Input httpsCertificateArn is empty, and the HTTPS listener it would remove still routes to ' +
      `${routed(
        https.flatMap(listener => listener.rules),
      )}: keep the certificate, or delete those ` +
      'service instances or deploy them to another environment first'
    );
  }
  return undefined;
}

/**
 * How many availability zones the VPC takes: three (the awsx component's default), or fewer when
 * prepare.sh says so (`availabilityZoneCount`: the zones of the VPC the stack holds, or for a new
 * one the Region's count; absent: three).
 *
 * @throws Error when the Region has fewer than two and the environment has a load balancer, which
 *   needs subnets in two zones at least (Elastic Load Balancing User Guide, "Availability Zones")
 */
export function vpcAvailabilityZones(
  regionZones: number | undefined,
  loadBalancer: boolean,
): number | undefined {
  if (regionZones === undefined) return undefined;
  if (!Number.isInteger(regionZones) || regionZones < 1) {
    throw new Error(
      `Configuration availabilityZoneCount must be a positive whole number, got ${regionZones}`,
    );
  }
  if (loadBalancer && regionZones < 2) {
    throw new Error(
      `The Region has ${regionZones} availability zone, and an Application Load Balancer needs subnets in two at least: ` +
        'deploy this environment in another Region, or with loadBalancer false',
    );
  }
  return Math.min(3, regionZones);
}
