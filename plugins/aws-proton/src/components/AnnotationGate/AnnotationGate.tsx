import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Alert, Card, CardBody, CardHeader, Text } from '@backstage/ui';
import {
  parseProtonArn,
  ProtonResourceType,
} from '@proton-platform/plugin-aws-proton-common';
import { ReactNode } from 'react';

/**
 * A card with a title, as every Proton card looks.
 *
 * @public
 */
export function ProtonCard(props: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-x-small" weight="bold">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

/**
 * Shows its children only for an entity whose annotation holds a valid ARN of the expected type.
 * Without the annotation: Backstage's missing-annotation empty state. With a malformed ARN: what is
 * wrong, inside the card, so that the rest of the page keeps working.
 *
 * @public
 */
export function AnnotationGate(props: {
  annotation: string;
  resourceType: ProtonResourceType;
  title: string;
  children: ReactNode;
}) {
  const { entity } = useEntity();
  const value = entity.metadata.annotations?.[props.annotation];
  if (!value) {
    return <MissingAnnotationEmptyState annotation={props.annotation} />;
  }
  try {
    parseProtonArn(value, props.resourceType);
  } catch (error) {
    return (
      <ProtonCard title={props.title}>
        <Alert
          status="danger"
          title={`The ${props.annotation} annotation is not valid`}
          description={(error as Error).message}
        />
      </ProtonCard>
    );
  }
  return <>{props.children}</>;
}
