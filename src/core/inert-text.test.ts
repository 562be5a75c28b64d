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

test('inert leaves ordinary text, accents and emoji alone', () => {
  assert.equal(inert('Zürich payments-api 🚀'), 'Zürich payments-api 🚀');
});

test('inertShort caps a 10,000-character name', () => {
  const shown = inertShort('x'.repeat(10_000), 40);
  assert.equal(shown.length, 40);
  assert.ok(shown.endsWith('…'));
});

test('csvCell defuses formulas and quotes separators', () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-2'), "'-2");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('a\nb'), 'a\\nb');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(-3), '-3');
});

test('inertJson stays valid JSON and round-trips the original value', () => {
  const value = { name: 'a\u202Eb\u001b[1m\u0085' };
  const text = inertJson(value);
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  assert.deepEqual(JSON.parse(text), value);
});
