/**
 * A plugin's settings as the admin edits them: JSON text. The core cannot check them against
 * the plugin's schema (it lives in the agent), so the panel checks what it can: JSON, an object.
 */
export type ParsedSettings = { ok: true; settings: Record<string, unknown> } | { ok: false; error: string };

export function parsePluginSettings(text: string): ParsedSettings {
  if (text.trim() === '') return { ok: true, settings: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, error: 'settings are a JSON object: {"key": value, …}' };
  return { ok: true, settings: value as Record<string, unknown> };
}

/** The text the editor starts with: the settings the core holds, indented. */
export function formatPluginSettings(settings: Record<string, unknown>): string {
  return Object.keys(settings).length === 0 ? '{}' : JSON.stringify(settings, null, 2);
}
