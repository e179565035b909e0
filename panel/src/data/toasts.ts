import { Store } from './store.js';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

/** What the user is told went wrong (or right); <rf-toasts> shows and dismisses them. */
export class Toasts {
  readonly items = new Store<readonly Toast[]>([]);
  private next = 1;

  show(message: string, kind: Toast['kind'] = 'error'): number {
    const id = this.next++;
    // The same message twice in a row (a retry storm) stays one toast.
    const rest = this.items.value.filter((t) => t.message !== message);
    this.items.set([...rest, { id, kind, message }].slice(-5));
    return id;
  }

  dismiss(id: number): void {
    this.items.set(this.items.value.filter((t) => t.id !== id));
  }
}
