import type { BulkTarget, UpdateFilter } from './api-types.js';

/**
 * What the user picked on the updates page: some rows by id (on any page), or every package
 * matching the filter ("all N matching", sent as `{filter}`, so rows on pages never loaded
 * count too). Values, not objects that change: a new selection is a new value, so Lit sees it.
 */
export type Selection =
  | { kind: 'ids'; ids: ReadonlySet<string> }
  | { kind: 'matching'; key: string; filter: UpdateFilter; count: number };

export const NO_SELECTION: Selection = { kind: 'ids', ids: new Set() };

/** One row's checkbox. Unticking a row of "all matching" keeps the rows shown, less that one. */
export function toggleRow(sel: Selection, id: string, shownIds: readonly string[]): Selection {
  if (sel.kind === 'matching') return { kind: 'ids', ids: new Set(shownIds.filter((x) => x !== id)) };
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { kind: 'ids', ids };
}

/** The header checkbox: ticks or unticks every row shown, leaving rows of other pages as they were. */
export function setShown(sel: Selection, shownIds: readonly string[], on: boolean): Selection {
  if (sel.kind === 'matching') return on ? sel : NO_SELECTION;
  const ids = new Set(sel.ids);
  for (const id of shownIds) {
    if (on) ids.add(id);
    else ids.delete(id);
  }
  return { kind: 'ids', ids };
}

export function selectMatching(filter: UpdateFilter, key: string, count: number): Selection {
  return { kind: 'matching', key, filter, count };
}

export function isSelected(sel: Selection, id: string): boolean {
  return sel.kind === 'matching' || sel.ids.has(id);
}

export function selectedCount(sel: Selection): number {
  return sel.kind === 'matching' ? sel.count : sel.ids.size;
}

/** The header checkbox's look: ticked, half (indeterminate) or empty. */
export function shownState(sel: Selection, shownIds: readonly string[]): 'all' | 'some' | 'none' {
  if (shownIds.length === 0) return 'none';
  if (sel.kind === 'matching') return 'all';
  const n = shownIds.filter((id) => sel.ids.has(id)).length;
  return n === 0 ? 'none' : n === shownIds.length ? 'all' : 'some';
}

/** The body of a bulk action for this selection; null when nothing is selected. */
export function targetOf(sel: Selection): BulkTarget | null {
  if (sel.kind === 'matching') return { filter: sel.filter };
  return sel.ids.size ? { ids: [...sel.ids] } : null;
}

/** After a bulk action: the rows it carried out are no longer selected; refused ones stay for another try. */
export function withoutDone(sel: Selection, done: readonly string[], all: boolean): Selection {
  if (all || sel.kind === 'matching') return NO_SELECTION;
  const ids = new Set(sel.ids);
  for (const id of done) ids.delete(id);
  return { kind: 'ids', ids };
}
