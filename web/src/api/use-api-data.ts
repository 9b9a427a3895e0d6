// Loads what a page shows and, when asked, keeps it current: it refreshes on
// an interval while the tab is visible (never while the last load is still
// waiting for its answer, so a slow answer is not dropped for a newer request),
// keeps showing the last answer when a refresh fails (and says so), and
// ignores answers to requests that a reload superseded.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from './api-problem';

export interface ApiData<T> {
  readonly data: T | undefined;
  readonly problem: ApiProblem | undefined;
  readonly loading: boolean;
  /** When the shown data was last loaded. */
  readonly loadedAt: Date | undefined;
  /** Loads again, keeping the shown data until the answer arrives; resolves once it did. */
  reload(): Promise<void>;
}

export interface ApiDataOptions {
  /** Refresh this often while the tab is visible; never when absent. */
  readonly refreshMs?: number;
}

function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem ? error : new ApiProblem(0, null);
}

export function useApiData<T>(load: () => Promise<T>, dependencies: readonly unknown[], options: ApiDataOptions = {}): ApiData<T> {
  const [state, setState] = useState<Omit<ApiData<T>, 'reload'>>({ data: undefined, problem: undefined, loading: true, loadedAt: undefined });
  const generation = useRef(0);
  const inFlight = useRef(false);
  const loader = useRef(load);
  loader.current = load;

  const run = useCallback(async (keepData: boolean) => {
    generation.current += 1;
    const mine = generation.current;
    inFlight.current = true;
    setState((previous) => ({ ...previous, loading: true, ...(keepData ? {} : { data: undefined, problem: undefined }) }));
    try {
      const data = await loader.current();
      if (mine === generation.current) setState({ data, problem: undefined, loading: false, loadedAt: new Date() });
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ ...previous, problem: asProblem(error), loading: false }));
    } finally {
      if (mine === generation.current) inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    void run(false);
    if (options.refreshMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !inFlight.current) void run(true);
    }, options.refreshMs);
    return () => clearInterval(timer);
    // The caller's dependencies decide when the data is loaded afresh.
  }, [...dependencies, options.refreshMs]);

  return { ...state, reload: () => run(true) };
}
