/** Walks the config schema: every leaf key with its dotted path, rule and default. */

export interface SchemaNode {
  type?: string | readonly string[];
  properties?: Record<string, SchemaNode>;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly unknown[];
  items?: SchemaNode;
  maxItems?: number;
}

export interface ConfigLeaf {
  path: string[];
  schema: SchemaNode;
}

export function configLeaves(root: SchemaNode, prefix: string[] = []): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = [];
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    const path = [...prefix, key];
    if (child.properties) leaves.push(...configLeaves(child, path));
    else leaves.push({ path, schema: child });
  }
  return leaves;
}

/** The schema node at a dotted path, or undefined for an unknown key. */
export function schemaAt(root: SchemaNode, path: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  // An index into a list names its item (`http.corsOrigins.0`).
  for (const key of path) node = node?.items && /^\d+$/.test(key) ? node.items : node?.properties?.[key];
  return node;
}

/** `http.port` → `REDFLAG_HTTP_PORT`, `dataDir` → `REDFLAG_DATA_DIR`. */
export function envNameFor(path: string[]): string {
  return `REDFLAG_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Human wording of a leaf's rule, as used in error lines and the generated docs. */
export function describeRule(schema: SchemaNode): string {
  const types = typeof schema.type === 'string' ? [schema.type] : [...(schema.type ?? [])];
  const nullable = types.includes('null');
  const main = types.find((t) => t !== 'null');
  let rule: string;
  if (schema.enum) rule = `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (main === 'integer' || main === 'number') {
    const noun = main === 'integer' ? 'an integer' : 'a number';
    if (schema.minimum !== undefined && schema.maximum !== undefined)
      rule = `${noun} from ${schema.minimum} to ${schema.maximum}`;
    else if (schema.minimum !== undefined) rule = `${noun} of at least ${schema.minimum}`;
    else if (schema.maximum !== undefined) rule = `${noun} of at most ${schema.maximum}`;
    else rule = noun;
  } else if (main === 'boolean') rule = 'true or false';
  else if (main === 'object') rule = 'a mapping of names to settings';
  else if (main === 'array') {
    rule = schema.maxItems !== undefined ? `a list of at most ${schema.maxItems}` : 'a list';
    if (schema.items) rule += `, each ${describeRule(schema.items)}`;
  } else {
    rule = 'a string';
    if (schema.pattern) rule += ` matching ${schema.pattern}`;
    else if (schema.minLength) rule = 'a non-empty string';
    if (schema.maxLength !== undefined) rule += ` of at most ${schema.maxLength} characters`;
  }
  return nullable ? `${rule}, or unset` : rule;
}
