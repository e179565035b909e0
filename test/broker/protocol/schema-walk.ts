/**
 * Walks the protocol schemas by their property structure, to prove that examples (and types)
 * show every field and that every object is closed unless it is meant to be open.
 */

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A typed map such as `schedules`: any key (bounded by propertyNames), each value one schema. */
function mapValueSchema(node: Node): Node | null {
  return isNode(node.additionalProperties) && node.propertyNames !== undefined
    ? node.additionalProperties
    : null;
}

/** Every property path a schema defines: `os.kernel`, `packages[].image`, `schedules.*.enabled`. */
export function schemaPaths(node: Node, path = ''): string[] {
  const paths: string[] = [];
  if (isNode(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      const childPath = path ? `${path}.${key}` : key;
      paths.push(childPath, ...(isNode(child) ? schemaPaths(child, childPath) : []));
    }
  }
  if (isNode(node.items)) paths.push(...schemaPaths(node.items, `${path}[]`));
  const mapValue = mapValueSchema(node);
  if (mapValue) paths.push(...schemaPaths(mapValue, `${path}.*`));
  return paths;
}

/** The schema paths that `value` exercises, walking it alongside its schema. */
export function coveredPaths(node: Node, value: unknown, path = ''): string[] {
  const paths: string[] = [];
  if (Array.isArray(value)) {
    if (isNode(node.items)) {
      const items = node.items;
      for (const item of value) paths.push(...coveredPaths(items, item, `${path}[]`));
    }
    return paths;
  }
  if (!isNode(value)) return paths;
  const properties = isNode(node.properties) ? node.properties : {};
  const mapValue = mapValueSchema(node);
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key];
    if (isNode(childSchema)) {
      const childPath = path ? `${path}.${key}` : key;
      paths.push(childPath, ...coveredPaths(childSchema, child, childPath));
    } else if (mapValue) {
      paths.push(...coveredPaths(mapValue, child, `${path}.*`));
    }
  }
  return paths;
}

/** Every object node of a schema, with its path. */
export function objectNodes(node: Node, path = ''): { path: string; node: Node }[] {
  const found: { path: string; node: Node }[] = [];
  if (node.type === 'object') found.push({ path, node });
  if (isNode(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (isNode(child)) found.push(...objectNodes(child, path ? `${path}.${key}` : key));
    }
  }
  if (isNode(node.items)) found.push(...objectNodes(node.items, `${path}[]`));
  if (isNode(node.additionalProperties)) found.push(...objectNodes(node.additionalProperties, `${path}.*`));
  return found;
}

/** Paths of the schema not exercised by any of the values. */
export function uncoveredPaths(node: Node, values: unknown[]): string[] {
  const covered = new Set(values.flatMap((value) => coveredPaths(node, value)));
  return [...new Set(schemaPaths(node))].filter((path) => !covered.has(path));
}
