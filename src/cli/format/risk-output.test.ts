// The risk ranking and an identity's risk, as people read them: reasons and reach shown, the three states of last
// use never alike, attacker-chosen names inert in every format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RankedCredential } from '../../services/risk-service.ts';
import { describeLastUse, renderIdentityRisk, topFactors, writeRanking } from './risk-output.ts';

const NOW = Date.parse('2026-11-23T00:00:00Z');
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;
const HOSTILE = 'pay\u202erolls\u001b[31m';

function ranked(overrides: Partial<RankedCredential> = {}): RankedCredential {
  return {
    integration: { name: 'prod', tenantId: 't' },
    identity: {
      displayName: HOSTILE,
      objectId: 'o',
      appId: 'a',
      kind: 'servicePrincipal',
      type: 'service-principal',
    },
    credential: {
      keyId: '1b412793-aaaa-bbbb-cccc-000000000001',
      type: 'secret',
      displayName: HOSTILE,
      location: 'servicePrincipal',
      startDateTime: '2026-01-01T00:00:00Z',
      endDateTime: '2027-01-01T00:00:00Z',
    },
    lastUse: { state: 'unknown', reason: 'no sign-in data' },
    score: 80,
    level: 'critical',
    impact: 100,
    likelihood: 80,
    factors: [
      { id: 'credential_type', dimension: 'likelihood', points: 25, text: `client secret "${HOSTILE}"` },
      {
        id: 'reach_tier0_tenant',
        dimension: 'impact',
        points: 100,
        text: 'can reach tier-0: Directory.ReadWrite.All',
      },
      { id: 'credential_on_service_principal', dimension: 'likelihood', points: 40, text: 'held on the SP' },
      { id: 'owner', dimension: 'likelihood', points: 10, text: 'owner ana' },
    ],
    reach: {
      entries: [{ kind: 'app-permission', name: 'Directory.ReadWrite.All', tier: 0, path: [] }],
      unknown: ['Azure roles: not read'],
    },
    ...overrides,
  };
}

async function render(entries: RankedCredential[], format: 'table' | 'json' | 'ndjson'): Promise<string> {
  let out = '';
  await writeRanking(entries, format, NOW, {
    write: async (text) => {
      out += text;
      return true;
    },
  });
  return out;
}

test('the table shows rank, score, credential, identity, expiry and last use, then the reasons and reach', async () => {
  const table = await render([ranked(), ranked({ score: 40, level: 'high' })], 'table');
  const lines = table.split('\n');
  assert.match(lines[0]!, /^#\s+SCORE\s+CREDENTIAL\s+IDENTITY\s+INTEGRATION\s+EXPIRES\s+LAST USE$/);
  // Type and key first: a long name is what the column cuts, never inside an escape.
  assert.match(lines[1]!, /^1\s+80 critical\s+secret 1b412793 on SP "pay\\u202erolls…\s+SP pay\\u202erolls/);
  assert.match(lines[1]!, /2027-01-01\s+unknown$/);
  // The impact that is at stake first, then the likeliest ways in; three reasons at most.
  assert.deepEqual(lines.slice(2, 5), [
    '     - can reach tier-0: Directory.ReadWrite.All',
    '     - held on the SP',
    '     - client secret "pay\\u202erolls\\u001b[31m"',
  ]);
  assert.equal(lines[5], '     can reach: tier 0 Directory.ReadWrite.All (app permission)');
  assert.equal(lines[6], '     unknown: Azure roles: not read');
  assert.match(lines[7]!, /^2\s+40 high/);
  assert.doesNotMatch(table.replace(/\n/g, ''), RAW_UNSAFE);
  assert.equal(await render([], 'table'), 'No credential matches.\n');
});

test('JSON and NDJSON carry every factor and the reach with tiers, names exact but inert', async () => {
  for (const format of ['json', 'ndjson'] as const) {
    const out = await render([ranked()], format);
    assert.doesNotMatch(out.replace(/\n/g, ''), RAW_UNSAFE, format);
    const [entry] =
      format === 'json'
        ? JSON.parse(out)
        : out
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
    assert.equal(entry.identity.displayName, HOSTILE);
    assert.equal(entry.factors.length, 4);
    assert.deepEqual(entry.reach.entries[0].tier, 0);
    assert.deepEqual(entry.lastUse, { state: 'unknown', reason: 'no sign-in data' });
  }
});

test('last use in words: a date, not seen since, unknown', () => {
  assert.equal(describeLastUse({ state: 'used', at: '2026-11-13T10:00:00Z' }, NOW), '2026-11-13 (9 d ago)');
  assert.equal(
    describeLastUse({ state: 'not-seen', monitoredSince: '2026-08-25T00:00:00Z' }, NOW),
    'not seen since 2026-08-25 (90 d ago)',
  );
  assert.equal(describeLastUse({ state: 'unknown', reason: 'x' }, NOW), 'unknown');
});

test('an identity’s risk lists every factor, impact first', () => {
  const entry = ranked();
  const lines = renderIdentityRisk(
    { ...entry, credentials: [], lastUse: { state: 'used', at: '2026-11-22T00:00:00Z' } },
    NOW,
  );
  assert.equal(lines[0], 'Risk: 80 critical (impact 100 × likelihood 80 / 100)');
  assert.match(lines[1]!, /^ {2}impact 100 +can reach tier-0/);
  assert.match(lines[2]!, /^ {2}\+40 +held on the SP/);
  assert.equal(lines.filter((line) => /^ {2}(impact|\+)/.test(line)).length, 4);
  assert.ok(lines.includes('  last use:  2026-11-22 (1 d ago)'));
  assert.deepEqual(
    topFactors(entry.factors, 2).map((f) => f.id),
    ['reach_tier0_tenant', 'credential_on_service_principal'],
  );
});
