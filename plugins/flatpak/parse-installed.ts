import { parseColumns, type ParsedColumns } from './parse-columns.js';
import { type FlatpakRef, isCommit, isRemote, isVersionText, parseRef } from './refs.js';

/** What `flatpak list` is asked for, in this order. */
export const INSTALLED_COLUMNS = 'ref:f,version:f,active:f,origin:f';

export interface InstalledRef {
  /** `flatpak list` prints refs without their kind. */
  ref: FlatpakRef;
  version: string;
  /** The deployed commit, abbreviated to 12 characters. */
  commit: string;
  origin: string;
}

/** Parses `flatpak list --columns=ref,version,active,origin`. Never throws. */
export function parseInstalled(lines: readonly string[]): ParsedColumns<InstalledRef> {
  return parseColumns(lines, 4, 'flatpak list', ([refText = '', version = '', commit = '', origin = '']) => {
    const ref = parseRef(refText);
    if (!ref) return 'bad ref';
    if (version !== '' && !isVersionText(version)) return 'bad version';
    if (!isCommit(commit)) return 'bad commit';
    // A ref installed from a bundle or a removed remote has no origin to show.
    if (origin !== '' && !isRemote(origin)) return 'bad remote';
    return { ref, version, commit, origin };
  });
}
