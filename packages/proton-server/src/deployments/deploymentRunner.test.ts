import { keepLogEnd } from './deploymentRunner';

describe('keepLogEnd', () => {
  const MiB = 1024 * 1024;

  it('keeps a log of up to 1 MiB as it is', () => {
    const log = 'x'.repeat(MiB);
    expect(keepLogEnd(log)).toBe(log);
    expect(keepLogEnd(undefined)).toBeUndefined();
  });

  it('keeps the last 1 MiB of a longer log, after a line saying how much was left out', () => {
    const log = `${'a'.repeat(10)}${'b'.repeat(MiB)}`;
    expect(keepLogEnd(log)).toBe(
      `[the first 10 characters of this log were left out: the control plane keeps its last 1048576]\n${'b'.repeat(
        MiB,
      )}`,
    );
  });
});
