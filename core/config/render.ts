import { stringify } from 'yaml';
import { configSchema } from './schema.js';
import { configLeaves, describeRule, envNameFor, type SchemaNode } from './schema-walk.js';

const root = configSchema as SchemaNode;
const GENERATED = 'Generated from core/config/schema.ts by `npm run docs`; edit the schema, not this file.';

/** The root config.yaml: every key, its default and what it does. */
export function renderConfigYaml(): string {
  const lines = [
    '# RedFlag configuration. Every key is shown with its default value.',
    '# Override any key with an environment variable (REDFLAG_HTTP_PORT=9090) or, in the',
    '# Home Assistant add-on, with the add-on options. Reference: docs/configuration.md',
    `# ${GENERATED}`,
  ];
  renderNode(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function renderNode(node: SchemaNode, depth: number, lines: string[]) {
  const indent = '  '.repeat(depth);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (depth === 0) lines.push('');
    for (const text of wrap(child.description ?? '', 88 - indent.length)) lines.push(`${indent}# ${text}`);
    if (child.properties) {
      lines.push(`${indent}${key}:`);
      renderNode(child, depth + 1, lines);
    } else {
      lines.push(`${indent}# Must be ${describeRule(child)}.`);
      lines.push(`${indent}${key}: ${stringify(child.default ?? null).trim()}`);
    }
  }
}

/** docs/configuration.md: one table row per key. */
export function renderConfigDocs(): string {
  const out = [
    '# Configuration reference',
    '',
    `<!-- ${GENERATED} -->`,
    '',
    'RedFlag reads its settings in layers, each overriding the one before:',
    '',
    '1. the defaults below;',
    "2. `config.yaml` (the working directory's, or the one named by `--config`);",
    '3. `/data/options.json` when it exists (Home Assistant add-on options; flat snake_case keys',
    '   such as `http_port` or `log_level`, or the nested shape of `config.yaml`);',
    '4. environment variables (`REDFLAG_` + the key path in upper snake case);',
    '5. command-line flags (`--data-dir`, `--http-port`, `--config`).',
    '',
    'A value that breaks a rule stops start-up with one line naming where it came from, the key,',
    'the rule and the value, and exit code 2, for example:',
    '',
    '```',
    'config.yaml: http.port must be an integer from 1 to 65535, got "abc"',
    '```',
    '',
  ];
  const sections = new Map<string, string[]>();
  for (const leaf of configLeaves(root)) {
    const section = leaf.path.length > 1 ? leaf.path[0]! : '(top level)';
    const rows = sections.get(section) ?? [];
    const def = leaf.schema.default === null ? '(unset)' : `\`${JSON.stringify(leaf.schema.default)}\``;
    rows.push(
      `| \`${leaf.path.join('.')}\` | ${def} | ${describeRule(leaf.schema)} | \`${envNameFor(leaf.path)}\` | ${leaf.schema.description ?? ''} |`,
    );
    sections.set(section, rows);
  }
  for (const [section, rows] of sections) {
    const node = section === '(top level)' ? undefined : root.properties?.[section];
    out.push(`## ${section === '(top level)' ? 'Top level' : `\`${section}\``}`, '');
    if (node?.description) out.push(node.description, '');
    out.push(
      '| key | default | rule | environment | meaning |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
    );
  }
  return out.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
