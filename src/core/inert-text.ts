// Makes strings from a tenant safe to show: a display name is attacker-controlled (any app owner can set
// it), so it must not move the cursor, recolour the terminal, reorder or hide text, or start a spreadsheet
// formula.

// What becomes a visible escape, by Unicode property rather than by list, so new assignments are covered:
// - Cc: C0 and C1 controls (ESC, CR, LF, BEL, CSI ...) and DEL;
// - Cf: format characters: bidi marks, embeddings, overrides and isolates, zero-width characters, the soft
//   hyphen, the Arabic letter mark, the tag characters, interlinear annotation, prepended concatenation marks;
// - Zl, Zp: line and paragraph separators;
// - Default_Ignorable_Code_Point: drawn as nothing although some are letters or marks (the Hangul fillers,
//   variation selectors, the combining grapheme joiner, Mongolian free variation selectors, Khmer inherent
//   vowels) and the ranges reserved for more of them;
// - Bidi_Control: all of them are Cf today; listed so that stays true whatever Unicode does;
// - Cs: a lone surrogate, which is no character and would otherwise reach the reader as U+FFFD.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Cs}]/gu;

function escapeCodePoint(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

// JSON has no `\u{...}`: an astral character is escaped as its surrogate pair, which parses back to it.
function escapeForJson(character: string): string {
  let out = '';
  for (let i = 0; i < character.length; i += 1) {
    out += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** For terminals: control, format, invisible and bidi characters become visible escapes, nothing else changes. */
export function inert(value: string): string {
  return value.replace(UNSAFE, escapeCodePoint);
}

let graphemes: Intl.Segmenter | undefined;

/**
 * Shortens to at most `max` UTF-16 units with an ellipsis, after neutralising. The cut falls between
 * characters as the reader sees them: never inside an escape, a surrogate pair or a grapheme cluster.
 */
export function inertShort(value: string, max: number): string {
  const safe = inert(value);
  if (safe.length <= max) return safe;
  const room = Math.max(0, max - 1);
  let kept = '';
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(value)) {
    const shown = inert(segment);
    if (kept.length + shown.length <= room) {
      kept += shown;
      continue;
    }
    // A first cluster longer than the room (a base with hundreds of combining marks) is cut between code
    // points instead, so the cell still shows how the name starts.
    if (kept === '') kept = fillByCodePoint(segment, room);
    break;
  }
  return `${kept}…`;
}

function fillByCodePoint(value: string, room: number): string {
  let kept = '';
  for (const point of value) {
    const shown = inert(point);
    if (kept.length + shown.length > room) break;
    kept += shown;
  }
  return kept;
}

// Spreadsheet programs skip leading blanks and fold fullwidth and small forms (＝, ﹦, ＋ ...) to ASCII
// before deciding that a cell is a formula, so both are looked through. Invisible characters are looked
// through too, in case an importer drops them.
const LEADING_BLANKS = /^[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]+/u;
// OWASP's CSV-injection starters; tab, CR and LF also start a cell that some importers evaluate.
const FORMULA_CHARACTER = /^[=+\-@]/;
const LEADING_LINE_CONTROL = /^[\t\r\n]/;

function startsFormula(text: string): boolean {
  if (LEADING_LINE_CONTROL.test(text)) return true;
  const first = text.replace(LEADING_BLANKS, '').codePointAt(0);
  return first !== undefined && FORMULA_CHARACTER.test(String.fromCodePoint(first).normalize('NFKC'));
}

/** For CSV: neutralised, formula-leading cells prefixed with a quote, quoted per RFC 4180. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = inert(String(value));
  // Judged on the raw value: the shown text has turned a leading tab or newline into `\t`, `\n`, which
  // would hide the blanks in front of a formula character from this check.
  if (typeof value === 'string' && startsFormula(value)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

// JSON.stringify escapes C0 controls inside strings itself; the ones left are its own indentation.
const UNSAFE_IN_JSON =
  /(?![\u0000-\u001f])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Cs}]/gu;

/** For JSON: JSON.stringify already escapes C0 controls and lone surrogates; this escapes the rest. */
export function inertJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, escapeForJson);
}
