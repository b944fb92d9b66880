import { ProtonClient } from '@aws-sdk/client-proton';

/**
 * Counts the calls a Proton client sends from now on, by operation (`ListServices`), for tests and
 * benchmarks that measure how many upstream calls a piece of work makes. Clear the map to start over.
 *
 * @public
 */
export function countProtonCalls(client: ProtonClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async args => {
      const operation = String(context.commandName).replace(/Command$/, '');
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countProtonCalls', override: true },
  );
  return counts;
}
