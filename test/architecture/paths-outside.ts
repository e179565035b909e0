import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * Issue 21 §1: the repository stands alone. Finds every path written in a file of the
 * repository (string literals in code, anything in shell, JSON and YAML) that points outside
 * it: a relative path climbing above the root, or the developers' shared folder by name.
 * Markdown is left out: docs may name the design documents that live beside the repository.
 */

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', 'data', 'test-output', '.tmp']);
const CHECKED_FILE = /\.(ts|mts|js|mjs|cjs|json|sh|ya?ml)$/;
const CODE_FILE = /\.(ts|mts|js|mjs|cjs)$/;
const RELATIVE_PATH = /(?:^|[\s'"`(=:,])((?:\.\.\/)+[^\s'"`),]*)/g;
const SHARED_FOLDER = /\/work\/|\bshared\/fixtures\b|\.\.\/shared\b/;

export interface OutsidePath {
  file: string; // relative to the root
  path: string;
}

function checkedFiles(root: string, dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (SKIPPED_FOLDERS.has(name)) return [];
    if (statSync(path).isDirectory()) return checkedFiles(root, path);
    return CHECKED_FILE.test(name) || relative(root, path) === join('.ci', 'run') ? [path] : [];
  });
}

/** Tokens after which a `/` divides; anywhere else it starts a regular expression. */
const ENDS_AN_EXPRESSION = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.ThisKeyword,
]);

/**
 * The string literals of a TypeScript or JavaScript file, template pieces included. The
 * scanner alone does not know where a template's `${…}` ends or whether `/` starts a regular
 * expression, so both are tracked here.
 */
function literalsOf(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const found: string[] = [];
  const bracesInTemplates: number[] = []; // open braces inside each enclosing `${`
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      !ENDS_AN_EXPRESSION.has(previous)
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.OpenBraceToken && bracesInTemplates.length > 0) {
      bracesInTemplates[bracesInTemplates.length - 1]! += 1;
    } else if (kind === ts.SyntaxKind.CloseBraceToken && bracesInTemplates.at(-1) === 0) {
      kind = scanner.reScanTemplateToken(false);
      found.push(scanner.getTokenValue());
      if (kind === ts.SyntaxKind.TemplateTail) bracesInTemplates.pop();
    } else if (kind === ts.SyntaxKind.CloseBraceToken && bracesInTemplates.length > 0) {
      bracesInTemplates[bracesInTemplates.length - 1]! -= 1;
    } else if (kind === ts.SyntaxKind.TemplateHead) {
      found.push(scanner.getTokenValue());
      bracesInTemplates.push(0);
    } else if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) {
      found.push(scanner.getTokenValue());
    }
    previous = kind;
  }
  return found;
}

/** The paths in `text` (a file at `file`) that lead outside `root`. */
export function outsidePathsIn(root: string, file: string, text: string): OutsidePath[] {
  const pieces = CODE_FILE.test(file) ? literalsOf(text) : [text];
  const rel = relative(root, file);
  return pieces.flatMap((piece) => {
    const climbing = [...piece.matchAll(RELATIVE_PATH)]
      .map((m) => m[1]!)
      .filter((path) => {
        const target = resolve(dirname(file), path);
        return target !== root && !target.startsWith(root + sep);
      });
    const named = SHARED_FOLDER.test(piece) ? [piece.match(SHARED_FOLDER)![0]] : [];
    return [...climbing, ...named].map((path) => ({ file: rel, path }));
  });
}

export function outsidePaths(root: string): OutsidePath[] {
  return checkedFiles(root, root).flatMap((file) => outsidePathsIn(root, file, readFileSync(file, 'utf8')));
}
