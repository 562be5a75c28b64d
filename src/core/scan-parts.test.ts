import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPartTracker, describeIncompleteParts, holdsScanBack } from './scan-parts.ts';

test('only a required part, or an optional one cut short, holds a scan back from succeeding', () => {
  const parts = createPartTracker();
  parts.declare({ name: 'applications', kind: 'application', aspect: 'identity' });
  parts.declare({ name: 'sign-in-activity', kind: 'servicePrincipal', aspect: 'last-use', optional: true });
  parts.declare({
    name: 'service-principal-access',
    kind: 'servicePrincipal',
    aspect: 'access',
    optional: true,
  });
  parts.declare({ name: 'application-owners', kind: 'application', aspect: 'owners', optional: true });
  parts.complete('applications');
  parts.fail('sign-in-activity', 'no P1 or P2 licence', { standing: true });
  parts.fail('service-principal-access', 'the integration lacks Directory.Read.All', {
    permission: 'Directory.Read.All',
    standing: true,
  });
  parts.fail('application-owners', 'Graph answered 503 five times');
  const byName = new Map(parts.snapshot('not read').map((part) => [part.name, part]));
  assert.equal(holdsScanBack(byName.get('applications')!), false, 'complete');
  assert.equal(holdsScanBack(byName.get('sign-in-activity')!), false, 'a missing licence stands');
  assert.equal(holdsScanBack(byName.get('service-principal-access')!), false, 'a missing permission stands');
  assert.equal(holdsScanBack(byName.get('application-owners')!), true, 'a transient failure holds it back');
  assert.deepEqual(
    describeIncompleteParts([...byName.values()]).map((line) => line.split(' is unknown')[0]),
    ['sign-in-activity', 'service-principal-access', 'application-owners'],
    'each unknown part is still said',
  );
});

test('a required part never stands aside, whatever failed it', () => {
  const parts = createPartTracker();
  parts.declare({ name: 'service-principals', kind: 'servicePrincipal', aspect: 'identity' });
  parts.fail('service-principals', 'the integration lacks Application.Read.All', { standing: true });
  const [part] = parts.snapshot('not read');
  assert.equal(holdsScanBack(part!), true);
  const cut = createPartTracker();
  cut.declare({ name: 'application-owners', kind: 'application', aspect: 'owners', optional: true });
  assert.equal(holdsScanBack(cut.snapshot('interrupted')[0]!), true, 'never finished: not standing');
});
