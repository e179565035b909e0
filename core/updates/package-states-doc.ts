import type { PackageStatus } from '../db/index.js';
import {
  isAllowed,
  PACKAGE_EVENTS,
  PACKAGE_MOVES,
  PACKAGE_STATUS_ORDER,
  REFUSAL_REASONS,
} from './package-states.js';

const code = (s: string) => `\`${s}\``;
const states = (list: readonly PackageStatus[]) =>
  list.length === PACKAGE_STATUS_ORDER.length - 1
    ? `any but ${code(PACKAGE_STATUS_ORDER.find((s) => !list.includes(s))!)}`
    : list.map(code).join(', ');

/** docs/package-states.md, from the state machine (run `npm run docs`). */
export function renderPackageStatesDoc(): string {
  const lines = [
    '# Package states',
    '',
    '<!-- Generated from core/updates/package-states.ts by `npm run docs`; edit the table there. -->',
    '',
    'Every pending update of every host is in one of these states. Each move below is made by one',
    'event; a move no event makes is refused with a message naming both states and the reason.',
    'Moves made by a person or the workflow take their `from` states from this table; those made',
    'in SQL by a scan, a rule or an install result are checked against it by',
    '`test/core/updates/package-moves.test.ts`.',
    '',
    '| event | from | to | by | when |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const event of PACKAGE_EVENTS) {
    const m = PACKAGE_MOVES[event];
    lines.push(`| ${code(event)} | ${states(m.from)} | ${code(m.to)} | ${m.by} | ${m.when} |`);
  }
  lines.push('', '## Every state and where it may go', '', '| from | to |', '| --- | --- |');
  for (const from of PACKAGE_STATUS_ORDER)
    lines.push(
      `| ${code(from)} | ${PACKAGE_STATUS_ORDER.filter((to) => isAllowed(from, to))
        .map(code)
        .join(', ')} |`,
    );
  lines.push(
    '',
    '## Refused moves, and what the refusal says',
    '',
    '| from | to | reason |',
    '| --- | --- | --- |',
  );
  for (const [from, to, why] of REFUSAL_REASONS)
    lines.push(`| ${from === '*' ? 'any' : code(from)} | ${to === '*' ? 'any' : code(to)} | ${why} |`);
  lines.push('');
  return lines.join('\n');
}
