import { act, renderHook, waitFor } from '@testing-library/react';
import { useProtonResource } from './useProtonResource';

describe('useProtonResource', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the timers due in `ms` fire and the reads they start settle. */
  async function elapse(ms: number) {
    await act(async () => {
      await jest.advanceTimersByTimeAsync(ms);
    });
  }

  it('reads again with a doubling delay while in progress, and stops once settled', async () => {
    const statuses = ['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'DONE'];
    const load = jest.fn(async () => statuses.shift() ?? 'DONE');
    const { result } = renderHook(() =>
      useProtonResource(load, v => v === 'IN_PROGRESS', []),
    );
    await waitFor(() => expect(result.current.value).toBe('IN_PROGRESS'));
    expect(load).toHaveBeenCalledTimes(1);
    await elapse(1_999);
    expect(load).toHaveBeenCalledTimes(1);
    await elapse(1);
    expect(load).toHaveBeenCalledTimes(2);
    await elapse(4_000);
    expect(load).toHaveBeenCalledTimes(3);
    await elapse(8_000);
    expect(load).toHaveBeenCalledTimes(4);
    expect(result.current.value).toBe('DONE');
    await elapse(60_000);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('keeps following through a failed read, showing the error beside the last value', async () => {
    const reads: Array<() => string> = [
      () => 'IN_PROGRESS',
      () => {
        throw new Error('the backend is restarting');
      },
      () => 'DONE',
    ];
    const load = jest.fn(async () => reads.shift()!());
    const { result } = renderHook(() =>
      useProtonResource(load, v => v === 'IN_PROGRESS', []),
    );
    await waitFor(() => expect(result.current.value).toBe('IN_PROGRESS'));
    await elapse(2_000);
    expect(result.current.error?.message).toBe('the backend is restarting');
    expect(result.current.value).toBe('IN_PROGRESS');
    await elapse(4_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(result.current.value).toBe('DONE');
    expect(result.current.error).toBeUndefined();
  });

  it('keeps following when the first read after a refresh fails', async () => {
    const reads: Array<() => string> = [
      () => 'IN_PROGRESS',
      () => {
        throw new Error('the backend is restarting');
      },
      () => 'DONE',
    ];
    const load = jest.fn(async () => reads.shift()!());
    const { result } = renderHook(() =>
      useProtonResource(load, v => v === 'IN_PROGRESS', []),
    );
    await waitFor(() => expect(result.current.value).toBe('IN_PROGRESS'));
    act(() => result.current.refresh());
    await waitFor(() =>
      expect(result.current.error?.message).toBe('the backend is restarting'),
    );
    await elapse(2_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(result.current.value).toBe('DONE');
  });

  it('does not retry a first read that fails until refresh is called', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('denied'))
      .mockResolvedValue('DONE');
    const { result } = renderHook(() =>
      useProtonResource(load, v => v === 'IN_PROGRESS', []),
    );
    await waitFor(() => expect(result.current.error?.message).toBe('denied'));
    await elapse(60_000);
    expect(load).toHaveBeenCalledTimes(1);
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.value).toBe('DONE'));
    expect(result.current.error).toBeUndefined();
  });
});
