// A tenant's protections of its workload identities: Conditional Access policies (some targeting service
// principals, one about users only) and Entra ID Protection's risky service principals with their risk detections,
// in the v1.0 shapes of conditionalAccessPolicy, riskyServicePrincipal and servicePrincipalRiskDetection (Graph API
// reference). Drawn from a side stream of the seed after everything else, so the rest of the tenant is unchanged.
import { principalSets, some } from './access-generate.ts';
import type { TenantState } from './model.ts';
import { createRandom, DAY, deriveSeed, isoSeconds } from './random.ts';

export interface StoredConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  createdDateTime: string;
  includeServicePrincipals: string[];
  excludeServicePrincipals: string[];
  /** Users-only policies target no service principal (clientApplications null). */
  forUsers: boolean;
  /** Block sign-ins outside the named locations, or at this service principal risk. */
  control: 'location' | 'risk';
}

export interface StoredRiskyServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  riskLevel: 'low' | 'medium' | 'high' | 'none';
  riskState: 'atRisk' | 'confirmedCompromised' | 'remediated' | 'dismissed';
  riskDetail: string;
  riskLastUpdatedDateTime: string;
}

export interface StoredRiskDetection {
  id: string;
  servicePrincipalId: string;
  appId: string;
  servicePrincipalDisplayName: string;
  riskEventType: string;
  riskLevel: 'low' | 'medium' | 'high';
  riskState: string;
  detectedDateTime: string;
  activityDateTime: string;
  lastUpdatedDateTime: string;
  ipAddress: string | null;
  keyIds: string[];
}

export interface TenantProtection {
  conditionalAccessPolicies: StoredConditionalAccessPolicy[];
  riskyServicePrincipals: StoredRiskyServicePrincipal[];
  riskDetections: StoredRiskDetection[];
}

/** Offline workload detections (Entra ID Protection, concept-workload-identity-risk). */
const RISK_EVENT_TYPES = [
  'leakedCredentials',
  'suspiciousSignins',
  'investigationsThreatIntelligence',
  'anomalousServicePrincipalActivity',
  'suspiciousAPITraffic',
] as const;

export function generateProtection(
  tenant: TenantState,
  options: { seed: number; now: number },
): TenantProtection {
  const rng = createRandom(deriveSeed(options.seed, 'protection'));
  const { own } = principalSets(tenant);
  const at = (daysAgo: number) => isoSeconds(options.now - daysAgo * DAY);
  // One enabled policy naming a share of the own principals, so some privileged ones are covered and others not.
  const covered = some(rng, own, 0.3, 3).map((sp) => sp.object.id!);
  const excluded = covered.length > 1 ? [covered.pop()!] : [];
  const policies: StoredConditionalAccessPolicy[] = [
    {
      id: rng.uuid(),
      displayName: 'Workload identities: block outside trusted locations',
      state: 'enabled',
      createdDateTime: at(rng.int(30, 400)),
      includeServicePrincipals: covered,
      excludeServicePrincipals: excluded,
      forUsers: false,
      control: 'location',
    },
    {
      id: rng.uuid(),
      displayName: 'Workload identities: block high risk (pilot)',
      state: 'enabledForReportingButNotEnforced',
      createdDateTime: at(rng.int(5, 60)),
      includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludeServicePrincipals: [],
      forUsers: false,
      control: 'risk',
    },
    {
      id: rng.uuid(),
      displayName: 'Workload identities: legacy block (off)',
      state: 'disabled',
      createdDateTime: at(rng.int(400, 900)),
      includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludeServicePrincipals: [],
      forUsers: false,
      control: 'location',
    },
    {
      id: rng.uuid(),
      displayName: 'Require MFA for administrators',
      state: 'enabled',
      createdDateTime: at(rng.int(100, 900)),
      includeServicePrincipals: [],
      excludeServicePrincipals: [],
      forUsers: true,
      control: 'location',
    },
  ];
  const risky: StoredRiskyServicePrincipal[] = [];
  const detections: StoredRiskDetection[] = [];
  const states: StoredRiskyServicePrincipal['riskState'][] = [
    'confirmedCompromised',
    'atRisk',
    'atRisk',
    'remediated',
    'dismissed',
  ];
  const levels = ['low', 'medium', 'high'] as const;
  for (const [i, sp] of some(rng, own, 0.02, 5).entries()) {
    const state = states[i % states.length]!;
    const level = state === 'confirmedCompromised' ? 'high' : rng.pick(levels);
    const o = sp.object;
    const updated = at(rng.int(1, 20));
    risky.push({
      id: o.id!,
      appId: o.appId!,
      displayName: o.displayName ?? '',
      riskLevel: state === 'remediated' || state === 'dismissed' ? 'none' : level,
      riskState: state,
      riskDetail:
        state === 'confirmedCompromised'
          ? 'adminConfirmedServicePrincipalCompromised'
          : state === 'dismissed'
            ? 'adminDismissedAllRiskForServicePrincipal'
            : state === 'remediated'
              ? 'adminConfirmedServicePrincipalCompromised'
              : 'none',
      riskLastUpdatedDateTime: updated,
    });
    const keyIds = [...(o.passwordCredentials ?? []), ...(o.keyCredentials ?? [])]
      .map((c) => c.keyId)
      .filter((k): k is string => Boolean(k));
    for (let d = 0; d < rng.int(1, 2); d++) {
      const type = rng.pick(RISK_EVENT_TYPES);
      const detected = options.now - rng.int(2, 30) * DAY;
      detections.push({
        id: rng.bytes(26).toString('hex'),
        servicePrincipalId: o.id!,
        appId: o.appId!,
        servicePrincipalDisplayName: o.displayName ?? '',
        riskEventType: type,
        riskLevel: level,
        riskState: state === 'remediated' ? 'remediated' : state === 'dismissed' ? 'dismissed' : state,
        detectedDateTime: isoSeconds(detected),
        activityDateTime: isoSeconds(detected - rng.int(1, 48) * 3_600_000),
        lastUpdatedDateTime: updated,
        ipAddress: type === 'suspiciousSignins' ? `203.0.113.${rng.int(1, 254)}` : null,
        keyIds: type === 'leakedCredentials' && keyIds.length ? [rng.pick(keyIds)] : [],
      });
    }
  }
  return { conditionalAccessPolicies: policies, riskyServicePrincipals: risky, riskDetections: detections };
}
