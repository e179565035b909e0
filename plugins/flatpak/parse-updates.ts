import { parseColumns, type ParsedColumns } from './parse-columns.js';
import { type FlatpakRef, isCommit, isRemote, isVersionText, parseRef } from './refs.js';

/** What `remote-ls --updates` is asked for, in this order. */
export const UPDATE_COLUMNS = 'ref:f,origin:f,version:f,commit:f';

export interface RemoteUpdate {
  ref: Required<FlatpakRef>;
  origin: string;
  /** The appstream version; empty when the remote publishes none. */
  version: string;
  /** The remote's commit, abbreviated to 12 characters by flatpak. */
  commit: string;
}

/** Parses `flatpak remote-ls --updates --columns=ref,origin,version,commit`. Never throws. */
export function parseUpdates(lines: readonly string[]): ParsedColumns<RemoteUpdate> {
  return parseColumns(
    lines,
    4,
    'flatpak remote-ls --updates',
    ([refText = '', origin = '', version = '', commit = '']) => {
      const ref = parseRef(refText);
      if (!ref?.kind) return 'bad ref';
      if (!isRemote(origin)) return 'bad remote';
      if (version !== '' && !isVersionText(version)) return 'bad version';
      if (!isCommit(commit)) return 'bad commit';
      return { ref: { ...ref, kind: ref.kind }, origin, version, commit };
    },
  );
}
