/**
 * Blanks a plugin's secret values out of text and structured fields (issue 22 §4: secrets never
 * logged): a plugin that logs its token, or throws an error quoting it, shows `[redacted]`.
 */
export function secretRedactor(secrets: Record<string, unknown>): <T>(value: T) => T {
  const values = collectStrings(secrets).filter((s) => s.length >= 4);
  if (values.length === 0) return (value) => value;
  // Longest first, so a secret containing another is blanked whole.
  values.sort((a, b) => b.length - a.length);
  const redactText = (text: string) => values.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(redact);
    if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    return value;
  };
  return <T>(value: T) => redact(value) as T;
}

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(collectStrings);
  return [];
}
