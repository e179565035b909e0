import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Listener<T> = (value: T) => void;

/** A value components subscribe to; set() tells every subscriber. The panel's only state primitive. */
export class Store<T> {
  private readonly listeners = new Set<Listener<T>>();
  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    if (Object.is(value, this.current)) return;
    this.current = value;
    for (const listener of [...this.listeners]) listener(value);
  }

  update(change: (value: T) => T): void {
    this.set(change(this.current));
  }

  /** Calls back on every change (not at once); returns the unsubscribe function. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Re-renders a Lit element when a store changes, while the element is connected. */
export class StoreController<T> implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  constructor(
    private readonly host: ReactiveControllerHost,
    readonly store: Store<T>,
  ) {
    host.addController(this);
  }

  get value(): T {
    return this.store.value;
  }

  hostConnected(): void {
    this.unsubscribe = this.store.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
