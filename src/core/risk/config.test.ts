import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.ts';
import { DEFAULT_RISK_CONFIG, resolveRiskConfig } from './config.ts';

test('no overrides gives the documented defaults', () => {
  const config = resolveRiskConfig();
  assert.deepEqual(config, DEFAULT_RISK_CONFIG);
  assert.deepEqual(
    config.unused.map((band) => band.days),
    [90, 180],
  );
  assert.deepEqual(
    config.expiresWithin.map((band) => band.days),
    [30, 14, 7],
  );
  assert.equal(config.maxLifetimeDays, 730);
  assert.deepEqual(config.levels, { critical: 70, high: 40, medium: 15 });
});

test('overrides change only what they name; a list replaces the default list', () => {
  const config = resolveRiskConfig({
    points: { secret: 30 },
    unused: [{ days: 60, points: 10 }],
    sensitiveDataPermissions: ['Mail.Read'],
  });
  assert.equal(config.points.secret, 30);
  assert.equal(config.points.certificate, DEFAULT_RISK_CONFIG.points.certificate);
  assert.deepEqual(config.unused, [{ days: 60, points: 10 }]);
  assert.deepEqual(config.sensitiveDataPermissions, ['Mail.Read']);
  assert.deepEqual(config.expiresWithin, DEFAULT_RISK_CONFIG.expiresWithin);
});

test('the defaults cannot be changed through a resolved config', () => {
  const config = resolveRiskConfig();
  config.unused[0]!.days = 1;
  config.points.secret = 99;
  assert.equal(DEFAULT_RISK_CONFIG.unused[0]!.days, 90);
  assert.equal(DEFAULT_RISK_CONFIG.points.secret, 25);
  assert.throws(() => {
    (DEFAULT_RISK_CONFIG.points as { secret: number }).secret = 1;
  }, TypeError);
});

test('bad overrides are refused with the setting named', () => {
  const cases: [unknown, RegExp][] = [
    ['strict', /risk setting risk: must be an object/],
    [{ point: {} }, /risk setting point: is not a setting/],
    [{ points: { secrett: 1 } }, /points\.secrett: is not a setting \(known: secret,/],
    [{ points: { secret: -1 } }, /points\.secret: must be a whole number from 0 to 100, not -1/],
    [{ points: { secret: 2.5 } }, /points\.secret: must be a whole number/],
    [{ points: { secret: '25' } }, /points\.secret: must be a whole number from 0 to 100, not "25"/],
    [{ points: { secret: 101 } }, /points\.secret/],
    [{ impact: { tier1: null } }, /impact\.tier1: must be a whole number/],
    [{ points: 5 }, /points: must be an object/],
    [{ maxLifetimeDays: 0 }, /maxLifetimeDays: must be a whole number from 1 to 36500/],
    [{ maxLifetimeDays: 4000 }, /maxLifetimeDays: must be below noPracticalExpiryDays \(3650\)/],
    [{ unused: { days: 90, points: 15 } }, /unused: must be a list/],
    [{ unused: [{ days: 90 }] }, /unused\[0\]\.points: must be a whole number/],
    [{ unused: [{ days: 90, points: 1, weight: 2 }] }, /unused\[0\]: "weight" is not a field/],
    [
      {
        unused: [
          { days: 180, points: 20 },
          { days: 90, points: 15 },
        ],
      },
      /unused: days must be listed in ascending order/,
    ],
    [
      {
        age: [
          { days: 90, points: 1 },
          { days: 90, points: 2 },
        ],
      },
      /age: days must be listed in ascending order, each once/,
    ],
    [
      {
        expiresWithin: [
          { days: 7, points: 8 },
          { days: 30, points: 3 },
        ],
      },
      /expiresWithin: days must be listed in descending/,
    ],
    [{ levels: { high: 80 } }, /levels: must rise: medium 15 < high 80 < critical 70/],
    [{ levels: { medium: 0 } }, /levels\.medium: must be a whole number from 1 to 100/],
    [
      { sensitiveDataPermissions: ['Mail.Read', ''] },
      /sensitiveDataPermissions: must be a list of permission names/,
    ],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(
      () => resolveRiskConfig(overrides),
      (error: unknown) => error instanceof InvalidInput && message.test(error.message),
      JSON.stringify(overrides),
    );
  }
});

test("a label names the setting as it sits in the user's file", () => {
  const cases: [unknown, string][] = [
    [
      { unused: [{ days: 0, points: 1 }] },
      'scoring.unused[0].days: must be a whole number from 1 to 36500, not 0',
    ],
    [{ point: {} }, 'scoring.point: is not a setting'],
    ['strict', 'scoring: must be an object'],
    [{ levels: { high: 80 } }, 'scoring.levels: must rise'],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(
      () => resolveRiskConfig(overrides, 'scoring'),
      (error: unknown) => error instanceof InvalidInput && error.message.startsWith(message),
      JSON.stringify(overrides),
    );
  }
});

test('an empty band list turns that factor off', () => {
  assert.deepEqual(resolveRiskConfig({ age: [] }).age, []);
});
