import { keepLogEnd } from './deploymentRunner';

describe('keepLogEnd', () => {
  const MiB = 1024 * 1024;

  it('keeps a log of up to 1 MiB as it is', () => {
    const log = 'x'.repeat(MiB);
    expect(keepLogEnd(log)).toBe(log);
    expect(keepLogEnd(undefined)).toBeUndefined();
  });

  it('keeps the end of a longer log after a line saying how much was left out, 1 MiB in all', () => {
    const log = `${'a'.repeat(MiB)}${'b'.repeat(MiB)}`;
    const kept = keepLogEnd(log);
    const [line, rest] = kept.split('\n');
    expect(Buffer.byteLength(kept)).toBe(MiB);
    expect(line).toBe(
      `[the first ${
        2 * MiB - rest.length
      } bytes of this log were left out: the control plane keeps its last 1048576]`,
    );
    expect(rest).toMatch(/^b+$/);
  });

  it('cuts between characters, counting UTF-8 bytes', () => {
    // three bytes each: wherever the cut falls, it must not split one
    const log = '€'.repeat(MiB);
    const kept = keepLogEnd(log);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MiB);
    expect(kept.split('\n')[1]).toMatch(/^€+$/);
    const leftOut = Number(/first (\d+) bytes/.exec(kept)![1]);
    expect(leftOut + Buffer.byteLength(kept.split('\n')[1])).toBe(3 * MiB);
  });
});
