// Explainable risk scores for credentials and identities (risk-and-controls.md §4.2).
//
// The rule, which scoreFactors applies and nothing else:
//   impact     = the largest points of the impact factors (there is always one, "no permissions" at least)
//   likelihood = min(100, the sum of the likelihood factors' points)
//   score      = round(impact × likelihood / 100), 0–100
//   level      = critical ≥ 70, high ≥ 40, medium ≥ 15, else low (config.levels)
// so anyone can recompute a score from its factors. A credential's likelihood is its own factors; an
// identity's is its riskiest active credential's factors plus the identity's own (how many credentials,
// owners, publisher), or, for a managed identity, the fixed managed-identity factor.
import { DEFAULT_RISK_CONFIG, type RiskConfig } from './config.ts';
import { credentialFactors } from './credential-factors.ts';
import {
  credentialCountFactors,
  isManagedIdentity,
  managedIdentityFactor,
  ownerFactors,
  publisherFactors,
} from './identity-factors.ts';
import { highestTier, reachFactors } from './reach-factors.ts';
import type {
  CredentialRiskInput,
  IdentityRiskInput,
  IdentityRiskScore,
  RiskFactor,
  RiskLevel,
  RiskScore,
} from './types.ts';

export function levelOf(score: number, config: RiskConfig = DEFAULT_RISK_CONFIG): RiskLevel {
  const { critical, high, medium } = config.levels;
  if (score >= critical) return 'critical';
  if (score >= high) return 'high';
  if (score >= medium) return 'medium';
  return 'low';
}

/** Applies the rule above: the only way a score is made, so a score is always its factors' result. */
export function scoreFactors(
  factors: readonly RiskFactor[],
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): RiskScore {
  let impact = 0;
  let sum = 0;
  for (const factor of factors) {
    if (factor.dimension === 'impact') impact = Math.max(impact, factor.points);
    else sum += factor.points;
  }
  const likelihood = Math.min(100, sum);
  const score = Math.round((impact * likelihood) / 100);
  return { score, level: levelOf(score, config), impact, likelihood, factors: [...factors] };
}

/** A credential on a Microsoft service principal: Microsoft's apps can hold rights Lanyard cannot see. */
function microsoftImpact(config: RiskConfig): RiskFactor {
  return {
    id: 'reach_microsoft_first_party',
    dimension: 'impact',
    points: config.impact.tier0Tenant,
    text: 'a Microsoft first-party service principal may hold rights Lanyard cannot see: assumed tier 0',
  };
}

function withMicrosoftImpact(
  impact: RiskFactor[],
  likelihood: readonly RiskFactor[],
  config: RiskConfig,
): RiskFactor[] {
  return likelihood.some((factor) => factor.id === 'microsoft_service_principal_credential')
    ? [microsoftImpact(config), ...impact]
    : impact;
}

/** One credential's score: the identity's reach times how exposed this credential is. */
export function scoreCredential(
  input: CredentialRiskInput,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): RiskScore {
  const { credential, identity, now, samlSignOn } = input;
  const { factors } = credentialFactors(credential, {
    identity,
    lastUse: input.lastUse(credential),
    now,
    config,
    samlSignOn,
  });
  return scoreFactors(
    [...withMicrosoftImpact(reachFactors(input.reach, config), factors, config), ...factors],
    config,
  );
}

export function scoreIdentity(
  input: IdentityRiskInput,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): IdentityRiskScore {
  const { identity, now, samlSignOn } = input;
  const impact = reachFactors(input.reach, config);

  if (isManagedIdentity(identity)) {
    return { ...scoreFactors([...impact, managedIdentityFactor(config)], config), credentials: [] };
  }

  const scored = (input.credentials ?? identity.credentials).map((credential) => {
    const lastUse = input.lastUse(credential);
    const { active, factors } = credentialFactors(credential, { identity, lastUse, now, config, samlSignOn });
    const score = scoreFactors([...withMicrosoftImpact(impact, factors, config), ...factors], config);
    // Uncapped, so that of two credentials past the cap the more exposed one still wins.
    const exposure = factors.reduce((sum, factor) => sum + factor.points, 0);
    return { keyId: credential.keyId, active, factors, score, exposure };
  });
  const active = scored.filter((entry) => entry.active);
  // The riskiest active credential speaks for the identity; the others count through active_credentials.
  const riskiest = active.reduce<(typeof active)[number] | null>(
    (best, entry) => (!best || entry.exposure > best.exposure ? entry : best),
    null,
  );
  const credentialLikelihood = riskiest?.factors ?? [];
  const ownFactors = [
    ...credentialCountFactors(identity, active.length, config),
    // Microsoft's service principals have no owners in a customer tenant: saying so would be noise.
    ...(identity.publisher === 'microsoft'
      ? []
      : ownerFactors(identity, input.owners ?? identity.owners, config)),
    ...publisherFactors(identity, highestTier(input.reach) === 0, config),
  ];
  const factors = [
    ...withMicrosoftImpact(impact, credentialLikelihood, config),
    ...credentialLikelihood,
    ...ownFactors,
  ];
  const credentials = scored
    .map((entry) => ({ keyId: entry.keyId, ...entry.score }))
    .sort((a, b) => b.score - a.score || b.likelihood - a.likelihood);
  return { ...scoreFactors(factors, config), credentials };
}
