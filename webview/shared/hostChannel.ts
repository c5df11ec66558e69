// The webview end of the host channel: typed postMessage, typed incoming messages, UI state, and
// requests matched by id with a timeout so that a lost answer can be asked for again.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel<Out, State> {
  post(message: Out): void;
  /** The UI state saved before the panel was hidden or reloaded, if any. */
  readonly savedState: State | undefined;
  saveState(state: State): void;
}

/**
 * Connects to the host. `onMessage` receives every message the host posts; the webview trusts its
 * host, so messages are typed, not validated (the host validates what the webview sends instead).
 */
export function connectHost<In extends { readonly type: string }, Out, State>(onMessage: (message: In) => void): HostChannel<Out, State> {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') onMessage(data as In);
  });
  return {
    post: (message: Out): void => api.postMessage(message),
    savedState: (api.getState() ?? undefined) as State | undefined,
    saveState: (state: State): void => api.setState(state),
  };
}

/** Hands out request ids and forgets requests that were not answered in time. */
export class PendingRequests<T> {
  private nextId = 1;
  private readonly pending = new Map<number, { readonly value: T; readonly timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (value: T) => void,
  ) {}

  open(value: T): number {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.pending.delete(id);
      this.onTimeout(value);
    }, this.timeoutMs);
    this.pending.set(id, { value, timer });
    return id;
  }

  /** The request an answer belongs to, or undefined for an unknown or expired id. */
  close(id: number): T | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    return entry.value;
  }

  values(): T[] {
    return [...this.pending.values()].map((e) => e.value);
  }
}
