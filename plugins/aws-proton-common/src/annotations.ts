/**
 * The annotation that links a catalog entity to an AWS Proton service. Its value is the service ARN.
 * It is the archived AWS plugin's annotation, kept so that existing entities keep working.
 *
 * @public
 */
export const AWS_PROTON_SERVICE_ANNOTATION =
  'aws.amazon.com/aws-proton-service';

/**
 * The annotation that links a catalog entity to an AWS Proton environment. Its value is the environment ARN.
 *
 * @public
 */
export const AWS_PROTON_ENVIRONMENT_ANNOTATION =
  'aws.amazon.com/aws-proton-environment';

/**
 * The annotation that links a catalog entity to an AWS Proton service template. Its value is the template ARN.
 *
 * @public
 */
export const AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION =
  'aws.amazon.com/aws-proton-service-template';

/**
 * The annotation that links a catalog entity to an AWS Proton environment template. Its value is the template ARN.
 *
 * @public
 */
export const AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION =
  'aws.amazon.com/aws-proton-environment-template';

/**
 * The annotation that keeps a catalog entity's Proton resources out of fleet upgrades: on a service's
 * entity it pins every instance of the service and its pipeline, on an environment's entity the
 * environment. Its
 * value is the reason, shown wherever the pin is (for example `waiting for the Q3 load test`).
 *
 * @public
 */
export const AWS_PROTON_PINNED_ANNOTATION = 'aws.amazon.com/aws-proton-pinned';

/**
 * The Proton tag that pins one service instance or environment (its value: the reason), read by
 * upgrade campaigns before they touch the resource. On a service it pins the service's pipeline
 * (AWS tags services, not pipelines); the catalog provider also turns it into the service entity's
 * pin annotation, which pins the service's instances when a campaign is planned.
 *
 * @public
 */
export const PROTON_PINNED_TAG_KEY = 'proton:pinned';
