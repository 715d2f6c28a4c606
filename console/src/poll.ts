import { useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** when the last answer arrived */
  at: number | undefined;
}

/**
 * Runs `load` now and then every `everyMs` while the tab is visible, one request in flight at a time;
 * `load` gets the previous value, so it can ask only for what is new (a since-cursor) and merge.
 */
export function usePoll<T>(
  load: (prev: T | undefined) => Promise<T>,
  everyMs: number,
  deps: unknown[],
): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, at: undefined });
  const current = useRef<T | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    current.current = undefined;
    setState({ data: undefined, error: undefined, at: undefined });
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState !== 'hidden' || current.current === undefined) {
        try {
          const data = await load(current.current);
          if (stopped) return;
          current.current = data;
          setState({ data, error: undefined, at: Date.now() });
        } catch (err) {
          if (stopped) return;
          setState((s) => ({ ...s, error: err instanceof Error ? err : new Error(String(err)) }));
        }
      }
      if (!stopped && everyMs > 0) timer = setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}
