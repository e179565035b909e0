/**
 * Strict decoders. Node's Buffer.from(text, 'base64') skips invalid characters and ignores
 * trailing bits, so two different strings can decode to the same bytes; on the wire we accept
 * exactly one spelling per value (the one Node itself produces) and an exact byte length.
 */

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Standard base64 with padding, exactly `byteLength` bytes, or null. */
export function decodeBase64(text: unknown, byteLength: number): Buffer | null {
  if (typeof text !== 'string' || text.length !== Math.ceil(byteLength / 3) * 4) return null;
  if (!BASE64_RE.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === byteLength && bytes.toString('base64') === text ? bytes : null;
}

/** base64url without padding, exactly `byteLength` bytes, or null. */
export function decodeBase64Url(text: unknown, byteLength: number): Buffer | null {
  if (typeof text !== 'string' || text.length !== Math.ceil((byteLength * 4) / 3)) return null;
  if (!BASE64URL_RE.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === byteLength && bytes.toString('base64url') === text ? bytes : null;
}
