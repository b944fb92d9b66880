/**
 * Converts an operation's output into what awsJson1_0 puts on the wire: Dates become epoch seconds
 * (JSON numbers, with milliseconds as the fraction), undefined and null members are left out.
 */
export function toWireJson(value: unknown): unknown {
  if (value instanceof Date) {
    return value.getTime() / 1000;
  }
  if (Array.isArray(value)) {
    return value.map(toWireJson);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined && member !== null) {
        out[key] = toWireJson(member);
      }
    }
    return out;
  }
  return value;
}

/**
 * An operation's output already serialized for the wire, so that a remembered read is answered
 * without serializing it again.
 */
export class WireJsonText {
  constructor(readonly text: string) {}
}
