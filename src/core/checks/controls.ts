// Which checks give evidence for which control of the frameworks people are audited against. A mapping, not a
// claim of compliance: a check that passes shows that the workload identities Lanyard sees meet that part of
// the control. Controls that are tenant settings (consent policy, who may register applications) have no check
// here and are left out. Every control names at least one check (controls.test.ts), each a check id of the
// catalogue (the catalogue's test).
//
// Sources: the workload-identity guide's CIS-aligned table (shared/seeds/002, exploratory, no official CIS
// numbers for workload identities yet); CIS benchmark numbers as transcribed in prowler-cloud/prowler,
// prowler/compliance/{azure,m365}/cis_*.json; CISA ScubaGear's baseline, PowerShell/ScubaGear/baselines/aad.md
// (all in shared/reference/risk-and-controls.md §2.2, §3).

export interface Control {
  framework: string;
  /** The control's number as the framework writes it. */
  id: string;
  title: string;
  /** Ids of the checks whose findings are evidence against it. */
  checks: string[];
  /** Where the number and title come from. */
  source: string;
}

export const GUIDE = 'Workload identity guide (CIS-aligned, exploratory)';
export const CIS_AZURE_V4 = 'CIS Microsoft Azure Foundations Benchmark v4.0';
export const CIS_AZURE_V5 = 'CIS Microsoft Azure Foundations Benchmark v5.0';
export const CIS_AZURE_V6 = 'CIS Microsoft Azure Foundations Benchmark v6.0';
export const CIS_M365_V7 = 'CIS Microsoft 365 Foundations Benchmark v7.0';
export const SCUBAGEAR = 'CISA ScubaGear Microsoft Entra ID baseline';
export const ZERO_TRUST_ASSESSMENT = 'Microsoft Zero Trust Assessment';

const GUIDE_SOURCE =
  'Mastering Workload Identity Security in Microsoft Entra ID, blog 6, summary table of CIS-aligned recommendations (shared/seeds/002)';
const CIS_AZURE_SOURCE =
  'prowler-cloud/prowler @3e000fa, prowler/compliance/azure/cis_{4.0,5.0,6.0}_azure.json';
const CIS_M365_SOURCE = 'prowler-cloud/prowler @3e000fa, prowler/compliance/m365/cis_7.0_m365.json';
const SCUBAGEAR_SOURCE = 'cisagov/ScubaGear, PowerShell/ScubaGear/baselines/aad.md';
const ZTA_SOURCE =
  'microsoft/zerotrustassessment, src/powershell/tests/Test-Assessment.<id>.ps1 (shared/reference/risk-and-controls.md §2.4)';

export const CONTROLS: readonly Control[] = [
  // The guide's own table: the tasks it schedules, which Lanyard runs on every scan. Its inactive service principal
  // detection has no CIS-aligned number (blog 2): its id here is a name.
  {
    framework: GUIDE,
    id: '1.1',
    title:
      'Inventory management: every service principal, classed as Microsoft, our own or a third party, new ones noticed',
    checks: ['third_party_multitenant_tier0', 'imitates_microsoft_name'],
    source: GUIDE_SOURCE,
  },
  {
    framework: GUIDE,
    id: '2.1',
    title: 'Credential expiry audit: alert before secrets and certificates expire (30, 14 or 7 days)',
    checks: ['credential_expiring', 'credential_expired'],
    source: GUIDE_SOURCE,
  },
  {
    framework: GUIDE,
    id: '2.2',
    title: 'Owner audit: alert on applications with no owners',
    // An owner below the tier of what he owns is an owner to audit first (Maester MT.1077/1078 "tier breach").
    checks: ['identity_without_owners', 'owners_all_inactive', 'tier0_app_owner_not_tier0'],
    source: GUIDE_SOURCE,
  },
  {
    framework: GUIDE,
    id: 'inactive-service-principals',
    title:
      'Inactive service principal detection: no sign-in beyond the threshold (90 days), then review or remove',
    checks: ['service_principal_inactive', 'credential_unused'],
    source: GUIDE_SOURCE,
  },

  // CIS Azure (titles as Prowler transcribes them): the Azure RBAC controls a workload identity breaches when it
  // can assign roles on a subscription; a managed identity holding Owner is one of the subscription's owners.
  {
    framework: CIS_AZURE_V4,
    id: '6.3.3',
    title: "Ensure that use of the 'User Access Administrator' role is restricted",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V4,
    id: '6.3.4',
    title: "Ensure that all 'privileged' role assignments are periodically reviewed",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V5,
    id: '5.3.3',
    title: "Ensure that use of the 'User Access Administrator' role is restricted",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V5,
    id: '5.3.4',
    title: "Ensure that all 'privileged' role assignments are periodically reviewed",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V5,
    id: '5.27',
    title: 'Ensure there are between 2 and 3 subscription owners',
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V6,
    id: '5.3.3',
    title: "Ensure That Use of the 'User Access Administrator' Role is Restricted",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V6,
    id: '5.3.4',
    title: "Ensure that All 'Privileged' Role Assignments are Periodically Reviewed",
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },
  {
    framework: CIS_AZURE_V6,
    id: '5.7',
    title: 'Ensure there are between 2 and 3 Subscription Owners',
    checks: ['managed_identity_subscription_owner'],
    source: CIS_AZURE_SOURCE,
  },

  // CIS Microsoft 365 v7.0, section 5.1.5 (Prowler gives no titles: these say the recommended state). The default
  // app management policy binds only credentials added after it; the checks find the grandfathered ones.
  {
    framework: CIS_M365_V7,
    id: '5.1.5.3',
    title: 'Default app management policy: Block password addition set to On',
    checks: ['privileged_identity_with_secret', 'credential_on_service_principal', 'too_many_active_secrets'],
    source: CIS_M365_SOURCE,
  },
  {
    framework: CIS_M365_V7,
    id: '5.1.5.4',
    title: 'Default app management policy: Restrict max password lifetime set to On, 180 days or less',
    checks: ['secret_lifetime_over_policy'],
    source: CIS_M365_SOURCE,
  },
  {
    framework: CIS_M365_V7,
    id: '5.1.5.6',
    title: 'Default app management policy: Restrict maximum certificate lifetime set to On, 180 days or less',
    checks: ['secret_lifetime_over_policy'],
    source: CIS_M365_SOURCE,
  },

  // ScubaGear's application policies (titles as the baseline writes them).
  {
    framework: SCUBAGEAR,
    id: 'MS.AAD.5.5v1',
    title: 'Application password addition SHOULD be blocked',
    checks: ['privileged_identity_with_secret', 'credential_on_service_principal', 'too_many_active_secrets'],
    source: SCUBAGEAR_SOURCE,
  },
  {
    framework: SCUBAGEAR,
    id: 'MS.AAD.5.6v1',
    title: 'Application password lifetime SHOULD be restricted to 180 days or less',
    checks: ['secret_lifetime_over_policy'],
    source: SCUBAGEAR_SOURCE,
  },
  {
    framework: SCUBAGEAR,
    id: 'MS.AAD.5.7v1',
    title: 'Application certificate lifetime SHOULD be restricted to 365 days or less',
    checks: ['secret_lifetime_over_policy'],
    source: SCUBAGEAR_SOURCE,
  },

  // Microsoft's Zero Trust Assessment tests of workload identities (titles as risk-and-controls.md §2.4 sums them).
  {
    framework: ZERO_TRUST_ASSESSMENT,
    id: '21862',
    title: 'Risky workload identities are triaged',
    checks: ['service_principal_at_risk'],
    source: ZTA_SOURCE,
  },
  {
    framework: ZERO_TRUST_ASSESSMENT,
    id: '21883',
    title: 'Risk-based Conditional Access covers workload identities',
    checks: ['privileged_workload_without_conditional_access'],
    source: ZTA_SOURCE,
  },
  {
    framework: ZERO_TRUST_ASSESSMENT,
    id: '21884',
    title: 'Network-based Conditional Access covers workload identities',
    checks: ['privileged_workload_without_conditional_access'],
    source: ZTA_SOURCE,
  },
];

/** The controls a check gives evidence for, in CONTROLS' order. */
export function controlsOfCheck(checkId: string): Control[] {
  return CONTROLS.filter((control) => control.checks.includes(checkId));
}
