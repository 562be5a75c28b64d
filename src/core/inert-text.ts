// Makes strings from a tenant safe to show: a display name is attacker-controlled (any app owner can set
// it), so it must not move the cursor, recolour the terminal, reorder text or start a spreadsheet formula.

// C0 and C1 controls (ESC, CR, LF, BEL ...) plus DEL.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidirectional overrides and isolates, line/paragraph separators, zero-width joiners used for spoofing.
const INVISIBLE = /[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeCodePoint(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** For terminals: control and bidi characters become visible escapes, nothing else changes. */
export function inert(value: string): string {
  return value.replace(CONTROL, escapeCodePoint).replace(INVISIBLE, escapeCodePoint);
}

/** Shortens to `max` characters with an ellipsis, after neutralising. */
export function inertShort(value: string, max: number): string {
  const safe = inert(value);
  return safe.length > max ? `${safe.slice(0, Math.max(0, max - 1))}…` : safe;
}

// Cells starting with these are evaluated as formulas by spreadsheet programs (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** For CSV: neutralised, formula-leading cells prefixed with a quote, quoted per RFC 4180. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = inert(String(value));
  if (typeof value === 'string' && FORMULA_START.test(value)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** For JSON: JSON.stringify already escapes C0 controls; this also escapes C1 and bidi characters. */
export function inertJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
    (c) => escapeCodePoint(c),
  );
}
