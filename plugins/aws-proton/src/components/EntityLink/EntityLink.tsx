import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Link, Text } from '@backstage/ui';

type Variant = 'body-small' | 'body-x-small';

function LinkToEntity(props: {
  entityRef: string;
  label: string;
  variant: Variant;
}) {
  const linkTo = useEntityRefLink();
  return (
    <Link
      href={linkTo(props.entityRef)}
      title={props.entityRef}
      variant={props.variant}
    >
      {props.label}
    </Link>
  );
}

/**
 * A link to a catalog entity's page, labelled with the Proton name; the name alone when the resource
 * has no entity the user can see.
 */
export function EntityLink(props: {
  entityRef?: string;
  label: string;
  variant?: Variant;
}) {
  const variant = props.variant ?? 'body-small';
  if (!props.entityRef) {
    return <Text variant={variant}>{props.label}</Text>;
  }
  return (
    <LinkToEntity
      entityRef={props.entityRef}
      label={props.label}
      variant={variant}
    />
  );
}
