/**
 * The catalog entity name of a Proton resource, as the catalog provider names it: lowercase, `_` as
 * `-`, at most 63 characters, no trailing `-`.
 */
export function protonEntityName(name: string): string {
  return name
    .toLocaleLowerCase('en-US')
    .replace(/_/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The entity ref of the catalog Component the provider makes for a Proton service. */
export function serviceEntityRef(serviceName: string): string {
  return `component:default/${protonEntityName(serviceName)}`;
}

/** The entity ref of the catalog Resource the provider makes for a Proton environment. */
export function environmentEntityRef(environmentName: string): string {
  return `resource:default/${protonEntityName(environmentName)}`;
}
