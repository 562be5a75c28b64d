import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InvalidInput } from '../core/errors.ts';
import { DEFAULT_RISK_CONFIG } from '../core/risk/config.ts';
import { loadRiskSettings, RISK_SETTINGS_ENV } from './risk-settings.ts';

let home: string;
const file = () => join(home, 'risk.json');
/** No LANYARD_RISK_CONFIG, whatever the environment running the tests holds. */
const noEnv = {};

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-risk-settings-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const write = (settings: unknown) =>
  writeFile(file(), typeof settings === 'string' ? settings : JSON.stringify(settings));

test('no file in LANYARD_HOME: the defaults, no tier overrides', async () => {
  await rm(file(), { force: true });
  const settings = await loadRiskSettings({ home }, noEnv);
  assert.deepEqual(settings.config, DEFAULT_RISK_CONFIG);
  assert.deepEqual(settings.tiers, {});
  assert.equal(settings.path, file());
  assert.equal(settings.fromFile, false);
});

test('a partial file changes what it names and keeps every other default', async () => {
  const mailRead = {
    value: 'Mail.Read',
    tier: 0,
    source: 'Contoso policy',
    reason: 'mail holds our secrets',
  };
  await write({
    scoring: { points: { secret: 60 }, levels: { critical: 90 } },
    tiers: { appRoles: [mailRead] },
  });
  const settings = await loadRiskSettings({ home }, noEnv);
  assert.equal(settings.fromFile, true);
  assert.equal(settings.config.points.secret, 60);
  assert.equal(settings.config.levels.critical, 90);
  assert.equal(settings.config.points.certificate, DEFAULT_RISK_CONFIG.points.certificate);
  assert.deepEqual(settings.config.unused, DEFAULT_RISK_CONFIG.unused);
  assert.deepEqual(settings.tiers, { appRoles: [mailRead] });
});

test('LANYARD_RISK_CONFIG names another file, which then must exist', async () => {
  const elsewhere = join(home, 'elsewhere.json');
  await writeFile(elsewhere, JSON.stringify({ scoring: { points: { federated: 9 } } }));
  const settings = await loadRiskSettings({ home }, { [RISK_SETTINGS_ENV]: elsewhere });
  assert.equal(settings.path, elsewhere);
  assert.equal(settings.config.points.federated, 9);
  // A mistyped path must not quietly score with the defaults.
  await assert.rejects(
    loadRiskSettings({ home }, { [RISK_SETTINGS_ENV]: join(home, 'mistyped.json') }),
    (error: unknown) =>
      error instanceof InvalidInput &&
      /mistyped\.json: does not exist \(LANYARD_RISK_CONFIG names it\)/.test(error.message),
  );
});

test('a malformed file or entry is refused, naming the file and the entry', async () => {
  const ok = { tier: 0, source: 'Contoso', reason: 'we say so' };
  const cases: [unknown, RegExp][] = [
    ['{ "scoring": { "points": { "secret": 60, } } }', /risk\.json: not valid JSON/],
    ['[]', /risk\.json: must be a JSON object/],
    [{ score: {} }, /risk\.json: "score" is not a section \(known: scoring, tiers\)/],
    [
      { scoring: { unused: [{ days: 0, points: 1 }] } },
      /risk\.json: scoring\.unused\[0\]\.days: must be a whole number from 1 to 36500, not 0/,
    ],
    [{ scoring: null }, /risk\.json: scoring: must be an object/],
    [{ scoring: { points: { secrett: 1 } } }, /risk\.json: scoring\.points\.secrett: is not a setting/],
    [
      { tiers: { appRoles: [{ ...ok, value: 'Mail.Read', tier: 3 }] } },
      /risk\.json: tiers\.appRoles\[0\]: tier/,
    ],
    [{ tiers: { graphRoles: [] } }, /risk\.json: tiers: "graphRoles" is not a section/],
  ];
  for (const [content, message] of cases) {
    await write(content);
    await assert.rejects(
      loadRiskSettings({ home }, noEnv),
      (error: unknown) =>
        error instanceof InvalidInput && error.message.startsWith(file()) && message.test(error.message),
      JSON.stringify(content),
    );
  }
});
