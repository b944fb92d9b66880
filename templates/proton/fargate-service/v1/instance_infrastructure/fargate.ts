/**
 * The task sizes Fargate accepts (Linux): for each CPU value in CPU units, the memory values in MiB.
 * From the ECS developer guide, "Task CPU and memory".
 */
function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

export const FARGATE_TASK_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Every CPU value, ascending: the schema's `cpu` enum. */
export const FARGATE_CPU_VALUES = Object.keys(FARGATE_TASK_SIZES).map(Number);

/** Every memory value some CPU value accepts, ascending: the schema's `memory` enum. */
export const FARGATE_MEMORY_VALUES = [
  ...new Set(Object.values(FARGATE_TASK_SIZES).flat()),
].sort((a, b) => a - b);

/** Why a cpu/memory pair is not a Fargate task size, or undefined when it is one. */
export function taskSizeProblem(
  cpu: number,
  memory: number,
): string | undefined {
  const memories = FARGATE_TASK_SIZES[cpu];
  if (!memories) {
    return `cpu ${cpu} is not a Fargate CPU value (${FARGATE_CPU_VALUES.join(
      ', ',
    )})`;
  }
  if (!memories.includes(memory)) {
    const shown =
      memories.length > 4
        ? `${memories[0]} to ${memories[memories.length - 1]} in steps of ${
            memories[1] - memories[0]
          }`
        : memories.join(', ');
    return `memory ${memory} does not go with cpu ${cpu}: Fargate allows ${shown} MiB for it`;
  }
  return undefined;
}
