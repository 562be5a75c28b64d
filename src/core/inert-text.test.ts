import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, inert, inertJson, inertShort } from './inert-text.ts';

const hostile = [
  { name: 'ANSI colour', raw: '\u001b[31mred\u001b[0m', shown: '\\u001b[31mred\\u001b[0m' },
  { name: 'RTL override', raw: 'invoice\u202Egpj.exe', shown: 'invoice\\u202egpj.exe' },
  { name: 'newline', raw: 'line1\nline2', shown: 'line1\\nline2' },
  { name: 'carriage return', raw: 'ok\rEVIL', shown: 'ok\\rEVIL' },
  { name: 'C1 CSI', raw: 'a\u009b2Jb', shown: 'a\\u009b2Jb' },
];

for (const { name, raw, shown } of hostile) {
  test(`inert: ${name} becomes visible escapes`, () => {
    assert.equal(inert(raw), shown);
    assert.doesNotMatch(inert(raw), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
}

// Characters the first rules (C0/C1, U+200B–200F, U+2028–202E, U+2060–2069, U+FEFF) let through: each is
// invisible, reorders or hides text, or is no character at all.
const missed: Array<{ name: string; raw: string; shown: string }> = [
  { name: 'Arabic letter mark U+061C', raw: '\u061c', shown: '\\u061c' },
  { name: 'soft hyphen U+00AD', raw: '\u00ad', shown: '\\u00ad' },
  { name: 'Hangul choseong filler U+115F', raw: '\u115f', shown: '\\u115f' },
  { name: 'Hangul jungseong filler U+1160', raw: '\u1160', shown: '\\u1160' },
  { name: 'Hangul filler U+3164', raw: '\u3164', shown: '\\u3164' },
  { name: 'halfwidth Hangul filler U+FFA0', raw: '\uffa0', shown: '\\uffa0' },
  { name: 'variation selector 1 U+FE00', raw: '\ufe00', shown: '\\ufe00' },
  { name: 'variation selector 16 U+FE0F', raw: '\ufe0f', shown: '\\ufe0f' },
  { name: 'variation selector 17 U+E0100', raw: '\u{e0100}', shown: '\\u{e0100}' },
  { name: 'variation selector 256 U+E01EF', raw: '\u{e01ef}', shown: '\\u{e01ef}' },
  { name: 'reserved tag U+E0000', raw: '\u{e0000}', shown: '\\u{e0000}' },
  { name: 'language tag U+E0001', raw: '\u{e0001}', shown: '\\u{e0001}' },
  { name: 'tag space U+E0020', raw: '\u{e0020}', shown: '\\u{e0020}' },
  {
    name: 'tag letters (hidden "hi") U+E0068 U+E0069',
    raw: '\u{e0068}\u{e0069}',
    shown: '\\u{e0068}\\u{e0069}',
  },
  { name: 'cancel tag U+E007F', raw: '\u{e007f}', shown: '\\u{e007f}' },
  { name: 'reserved default-ignorable U+E0FFF', raw: '\u{e0fff}', shown: '\\u{e0fff}' },
  { name: 'Mongolian vowel separator U+180E', raw: '\u180e', shown: '\\u180e' },
  { name: 'Mongolian free variation selectors U+180B, U+180F', raw: '\u180b\u180f', shown: '\\u180b\\u180f' },
  { name: 'combining grapheme joiner U+034F', raw: '\u034f', shown: '\\u034f' },
  { name: 'Khmer inherent vowels U+17B4, U+17B5', raw: '\u17b4\u17b5', shown: '\\u17b4\\u17b5' },
  { name: 'deprecated format characters U+206A–206F', raw: '\u206a\u206f', shown: '\\u206a\\u206f' },
  { name: 'reserved default-ignorable U+FFF0', raw: '\ufff0', shown: '\\ufff0' },
  {
    name: 'interlinear annotation U+FFF9–FFFB',
    raw: '\ufff9x\ufffay\ufffb',
    shown: '\\ufff9x\\ufffay\\ufffb',
  },
  {
    name: 'shorthand format controls U+1BCA0–1BCA3',
    raw: '\u{1bca0}\u{1bca3}',
    shown: '\\u{1bca0}\\u{1bca3}',
  },
  {
    name: 'musical beam and phrase controls U+1D173–1D17A',
    raw: '\u{1d173}\u{1d17a}',
    shown: '\\u{1d173}\\u{1d17a}',
  },
  {
    name: 'Arabic number sign U+0600 (prepended, spans the digits after it)',
    raw: '\u0600',
    shown: '\\u0600',
  },
  { name: 'Arabic end of ayah U+06DD', raw: '\u06dd', shown: '\\u06dd' },
  { name: 'Syriac abbreviation mark U+070F', raw: '\u070f', shown: '\\u070f' },
  {
    name: 'Arabic pound and piastre marks above U+0890, U+0891',
    raw: '\u0890\u0891',
    shown: '\\u0890\\u0891',
  },
  { name: 'Arabic disputed end of ayah U+08E2', raw: '\u08e2', shown: '\\u08e2' },
  { name: 'Kaithi number signs U+110BD, U+110CD', raw: '\u{110bd}\u{110cd}', shown: '\\u{110bd}\\u{110cd}' },
  {
    name: 'Egyptian hieroglyph format controls U+13430–1343F',
    raw: '\u{13430}\u{1343f}',
    shown: '\\u{13430}\\u{1343f}',
  },
  { name: 'lone high surrogate', raw: '\ud83d', shown: '\\ud83d' },
  { name: 'lone low surrogate', raw: '\ude80', shown: '\\ude80' },
];

for (const { name, raw, shown } of missed) {
  test(`inert: ${name} becomes a visible escape in every format`, () => {
    assert.equal(inert(`a${raw}b`), `a${shown}b`);
    assert.equal(csvCell(`a${raw}b`), `a${shown}b`);
    assert.equal(inertShort(`a${raw}b`, 40), `a${shown}b`);
    const json = inertJson({ name: `a${raw}b` });
    assert.match(json, /^[\x20-\x7e]*$/, 'JSON shows only printable ASCII here');
    assert.deepEqual(JSON.parse(json), { name: `a${raw}b` }, 'and still parses back to the original');
  });
}

test('inert: characters the first rules already caught stay escaped', () => {
  for (const code of [
    0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060,
    0x2061, 0x2062, 0x2063, 0x2064, 0x2065, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
  ]) {
    assert.equal(inert(String.fromCodePoint(code)), `\\u${code.toString(16).padStart(4, '0')}`);
  }
});

test('inert: every default-ignorable, bidi-control and format code point is escaped', () => {
  const covered = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/u;
  for (let code = 0; code <= 0x10ffff; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const character = String.fromCodePoint(code);
    if (!covered.test(character)) continue;
    assert.match(inert(character), /^\\(u[0-9a-f]{4}|u\{[0-9a-f]{5,6}\}|[nrt])$/, `U+${code.toString(16)}`);
  }
});

test('inert leaves ordinary text, accents, scripts, spaces and emoji alone', () => {
  for (const text of [
    'Zürich payments-api 🚀',
    'José (e + combining acute)'.replace('é', 'e\u0301'),
    '한국 결제 서비스',
    'مدفوعات',
    '支付服务',
    'non\u00a0breaking and\u3000ideographic space',
  ]) {
    assert.equal(inert(text), text);
  }
});

test('inertShort caps a 10,000-character name', () => {
  const shown = inertShort('x'.repeat(10_000), 40);
  assert.equal(shown.length, 40);
  assert.ok(shown.endsWith('…'));
});

// Whatever the width, the kept part is the shown form of a prefix of the name: no surrogate pair, escape or
// grapheme cluster is cut in two.
const cutCases: Array<{ name: string; value: string }> = [
  { name: 'emoji (surrogate pairs)', value: `${'x'.repeat(7)}🚀🚀🔐🔐 payments 🚀` },
  { name: 'BMP escapes', value: `ab\u202ecd\u061cef\u00adgh${'y'.repeat(20)}` },
  { name: 'astral escapes', value: `ab\u{e0041}\u{e0042}cd\u{e0100}${'y'.repeat(20)}` },
  { name: 'combining accents', value: `Jose\u0301 Mari\u0301a Zu\u0308rich ${'y'.repeat(20)}` },
];
for (const { name, value } of cutCases) {
  test(`inertShort never splits ${name}`, () => {
    const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value)];
    const prefixes = segments.map((_, i) =>
      inert(
        segments
          .slice(0, i)
          .map((s) => s.segment)
          .join(''),
      ),
    );
    for (let max = 1; max <= inert(value).length + 1; max += 1) {
      const shown = inertShort(value, max);
      assert.ok(shown.length <= max, `width ${max}: ${shown}`);
      assert.ok(shown.isWellFormed(), `width ${max}: lone surrogate in ${JSON.stringify(shown)}`);
      const kept = shown.endsWith('…') && shown !== inert(value) ? shown.slice(0, -1) : shown;
      assert.ok(
        kept === inert(value) || prefixes.includes(kept),
        `width ${max}: "${kept}" is not the shown form of a prefix`,
      );
    }
  });
}

test('inertShort at a surrogate pair drops the whole emoji, not half of it', () => {
  assert.equal(inertShort(`${'x'.repeat(38)}🚀🚀`, 40), `${'x'.repeat(38)}…`);
});

test('inertShort at an escape drops the whole escape, not part of it', () => {
  assert.equal(inertShort(`${'x'.repeat(36)}\u202eabcdef`, 40), `${'x'.repeat(36)}…`);
  // A tag character extends the cluster before it, so the x it hangs on goes with it.
  assert.equal(inertShort(`${'x'.repeat(33)}\u{e0041}abcdef`, 40), `${'x'.repeat(32)}…`);
});

test('inertShort cuts a cluster wider than the room between code points', () => {
  const zalgo = `a${'\u0301'.repeat(100)}`;
  assert.equal(inertShort(zalgo, 10), `a${'\u0301'.repeat(8)}…`);
});

test('csvCell defuses formulas and quotes separators', () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-2'), "'-2");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1'), "'\\t=1");
  assert.equal(csvCell('\r=1'), "'\\r=1");
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('a\nb'), 'a\\nb');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(-3), '-3');
});

// Cells a spreadsheet still reads as a formula: blanks in front of the formula character, or a fullwidth
// or small form of it, which spreadsheet programs fold to ASCII.
const formulaCells: Array<{ name: string; raw: string; cell: string }> = [
  { name: 'space before =', raw: ' =1+1', cell: `' =1+1` },
  { name: 'two spaces before @', raw: '  @SUM(A1)', cell: `'  @SUM(A1)` },
  { name: 'space and tab before =', raw: ' \t=1', cell: `' \\t=1` },
  { name: 'line feed before =', raw: '\n=1', cell: `'\\n=1` },
  { name: 'line feed as the first character', raw: '\nname', cell: `'\\nname` },
  { name: 'vertical tab before +', raw: '\u000b+1', cell: `'\\u000b+1` },
  { name: 'form feed before -', raw: '\u000c-1', cell: `'\\u000c-1` },
  { name: 'no-break space before =', raw: '\u00a0=1', cell: `'\u00a0=1` },
  { name: 'narrow no-break space before +', raw: '\u202f+1', cell: `'\u202f+1` },
  { name: 'em space before -', raw: '\u2003-1', cell: `'\u2003-1` },
  { name: 'ideographic space before @', raw: '\u3000@A1', cell: `'\u3000@A1` },
  { name: 'Ogham space mark before =', raw: '\u1680=1', cell: `'\u1680=1` },
  { name: 'medium mathematical space before =', raw: '\u205f=1', cell: `'\u205f=1` },
  { name: 'byte order mark before =', raw: '\ufeff=1', cell: `'\\ufeff=1` },
  { name: 'zero-width space before =', raw: '\u200b=1', cell: `'\\u200b=1` },
  { name: 'fullwidth ＝', raw: '＝1+1', cell: `'＝1+1` },
  { name: 'fullwidth ＋', raw: '＋1', cell: `'＋1` },
  { name: 'fullwidth －', raw: '－1', cell: `'－1` },
  { name: 'fullwidth ＠', raw: '＠SUM(A1)', cell: `'＠SUM(A1)` },
  { name: 'fullwidth ＝ before =', raw: '＝=1', cell: `'＝=1` },
  { name: 'space before fullwidth ＝', raw: ' ＝1', cell: `' ＝1` },
  { name: 'ideographic space before fullwidth ＋', raw: '\u3000＋1', cell: `'\u3000＋1` },
  { name: 'small form ﹦', raw: '﹦1', cell: `'﹦1` },
  { name: 'small form ﹢', raw: '﹢1', cell: `'﹢1` },
  { name: 'small form ﹣', raw: '﹣1', cell: `'﹣1` },
  { name: 'small form ﹫', raw: '﹫A1', cell: `'﹫A1` },
  { name: 'superscript ⁺', raw: '⁺1', cell: `'⁺1` },
];
for (const { name, raw, cell } of formulaCells) {
  test(`csvCell neutralises a cell starting with ${name}`, () => {
    assert.equal(csvCell(raw), cell);
  });
}

test('csvCell leaves cells alone that only look close to a formula', () => {
  assert.equal(csvCell(' payments'), '" payments"');
  assert.equal(csvCell('\u00a0payments'), '"\u00a0payments"');
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell('＄1'), '＄1');
  assert.equal(csvCell('payments-api'), 'payments-api');
});

test('inertJson stays valid JSON and round-trips the original value', () => {
  const value = { name: 'a\u202Eb\u001b[1m\u0085' };
  const text = inertJson(value);
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('inertJson keeps its indentation as JSON whitespace', () => {
  const value = [{ name: 'a\u00adb', tags: ['\u{e0041}'] }];
  const text = inertJson(value, 2);
  assert.match(text, /^\[\n {2}\{\n {4}"name": "a\\u00adb",/);
  assert.deepEqual(JSON.parse(text), value);
});

test('inertJson escapes an astral character as its surrogate pair, which JSON can parse', () => {
  const value = { name: 'flag\u{e0067}\u{e0062}\u{e007f} vs\u{e0100}' };
  const text = inertJson(value);
  assert.equal(text, '{"name":"flag\\udb40\\udc67\\udb40\\udc62\\udb40\\udc7f vs\\udb40\\udd00"}');
  assert.deepEqual(JSON.parse(text), value);
});
