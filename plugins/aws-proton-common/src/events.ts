/**
 * The events topic on which the AWS Proton plugins announce changes they made, through Backstage's
 * events service. The scaffolder actions publish on it after creating a service or an environment;
 * the catalog entity provider subscribes and ingests the resource at once instead of at its next
 * scheduled read, so the new entity is in the catalog within seconds.
 *
 * @public
 */
export const AWS_PROTON_EVENTS_TOPIC = 'aws-proton';

/**
 * The payload of an event on {@link AWS_PROTON_EVENTS_TOPIC}.
 *
 * @public
 */
export interface ProtonResourceChangedEvent {
  /** What happened to the resource. */
  action: 'created' | 'updated' | 'deleted';
  /** The ARN of the service or environment. */
  arn: string;
}
