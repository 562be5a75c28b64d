// More unexpired client secrets than a rotation needs: one in use and one on its way in. Each extra one is a
// password someone may still hold, and nobody can tell which of them the workload really uses.
import { credentialLabel, defineCheck, failWith, notApplicable, pass } from './check.ts';
import { isExpired, signInKeyCredentials } from './credential-expired.ts';

const SHOWN = 5;

export default defineCheck({
  id: 'too_many_active_secrets',
  title: 'Too many active client secrets',
  severity: 'low',
  rationale:
    'A workload needs one secret, and two while it rotates. More usually means old secrets were never removed: each still works for whoever holds it, and the list no longer tells which one is in use.',
  remediation:
    'Find which secret the workload uses (last use per credential) and remove the others; better, replace secrets with a federated credential or a managed identity.',
  params: { maxActiveSecrets: 2 },
  evaluate({ identity }, { now, params }) {
    const secrets = signInKeyCredentials(identity).filter((credential) => credential.type === 'secret');
    if (!secrets.length) return notApplicable;
    // Not yet started counts: it can sign in from its start date, and it is one more value someone holds.
    const active = secrets.filter((secret) => !isExpired(secret, now));
    if (active.length <= params.maxActiveSecrets) return pass;
    const labels = active.slice(0, SHOWN).map(credentialLabel);
    const more = active.length > SHOWN ? ` and ${active.length - SHOWN} more` : '';
    return failWith([
      {
        message: `${active.length} unexpired client secrets, more than the ${params.maxActiveSecrets} a rotation needs: ${labels.join(', ')}${more}`,
      },
    ]);
  },
});
