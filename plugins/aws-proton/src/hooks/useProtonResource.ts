import { useCallback, useEffect, useRef, useState } from 'react';

/** The first wait before reading again while work is in progress; it doubles up to the maximum. */
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30_000;

/**
 * The state of a Proton read that refreshes itself with backoff while `isInProgress` says work is
 * under way, and stops when all is settled.
 *
 * @public
 */
export interface ProtonResourceState<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  /** Reads again now and restarts the refresh with a short delay, for example after an upgrade. */
  refresh: () => void;
}

/**
 * Reads a Proton resource, and while it is in progress reads it again after 2, 4, 8… up to 30
 * seconds (or up to `options.maxDelayMs`: 2000 reads every 2 seconds, to follow a log). A read that
 * fails while it follows keeps the last value beside the error and is tried again on the same
 * schedule; the next good read clears the error. A first read that fails is not retried: `refresh`
 * reads again.
 *
 * @public
 */
export function useProtonResource<T>(
  load: () => Promise<T>,
  isInProgress: (value: T) => boolean,
  deps: unknown[],
  options: { maxDelayMs?: number } = {},
): ProtonResourceState<T> {
  const maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
  }>({
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const delay = useRef(FIRST_DELAY_MS);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableLoad = useCallback(load, deps);
  const stableInProgress = useRef(isInProgress);
  stableInProgress.current = isInProgress;

  // whether the last value read was in progress: a failed read then does not end the following,
  // also the first read after `refresh`; another resource starts afresh
  const following = useRef(false);
  const followed = useRef(stableLoad);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (followed.current !== stableLoad) {
      followed.current = stableLoad;
      following.current = false;
    }
    const again = () => {
      timer = setTimeout(run, delay.current);
      delay.current = Math.min(delay.current * 2, maxDelayMs);
    };
    async function run() {
      try {
        const value = await stableLoad();
        if (cancelled) return;
        setState({ value, loading: false });
        following.current = stableInProgress.current(value);
        if (following.current) {
          again();
        } else {
          delay.current = FIRST_DELAY_MS;
        }
      } catch (error) {
        if (cancelled) return;
        setState(previous => ({
          ...previous,
          error: error as Error,
          loading: false,
        }));
        if (following.current) again();
      }
    }
    run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [stableLoad, generation, maxDelayMs]);

  const refresh = useCallback(() => {
    delay.current = FIRST_DELAY_MS;
    setGeneration(g => g + 1);
  }, []);

  return { ...state, refresh };
}
