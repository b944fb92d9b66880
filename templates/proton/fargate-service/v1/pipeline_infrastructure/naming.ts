import { createHash } from 'node:crypto';

/**
 * A physical AWS name from a Proton service name: `<service>-<suffix>`, or, when that is longer than
 * `max`, the service name cut short with 8 hex digits of its SHA-256 so that two long names stay
 * apart. `lowercase` for ECR repositories. Proton names are letters, digits, `-` and `_`.
 */
export function physicalName(
  service: string,
  suffix: string,
  max: number,
  lowercase = false,
): string {
  const base = lowercase ? service.toLowerCase() : service;
  const full = `${base}-${suffix}`;
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(service).digest('hex').slice(0, 8);
  const keep = max - suffix.length - hash.length - 2;
  return `${base.slice(0, keep)}-${hash}-${suffix}`;
}
