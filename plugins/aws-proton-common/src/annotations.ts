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
