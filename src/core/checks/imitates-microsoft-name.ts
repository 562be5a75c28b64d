// Service principals named like Microsoft's own applications while Microsoft did not publish them: the disguise of
// consent-phishing apps (risk-and-controls.md §5 F) and of persistence an intruder leaves behind, which reviewers
// skip as "one of Microsoft's". Names are compared as people see them: NFKC, invisible characters dropped, accents
// dropped, Cyrillic, Greek and Armenian look-alikes read as the Latin letters they imitate, and the classic ASCII
// swaps (0 for o, 1 or l for I, rn for m) folded the same way on both sides. Managed identities are named after
// their Azure resources and cannot be consented to: not concerned. Only service principals sign in and appear in
// Enterprise applications: an application row is not concerned (its service principal carries the same name).
import { isManagedIdentity } from '../risk/identity-factors.ts';
import { defineCheck, failWith, notApplicable, pass, unknown } from './check.ts';

/**
 * The product names Microsoft's first-party applications bear in a tenant's Enterprise applications (Microsoft
 * Graph, Office 365 Exchange Online, Office 365 SharePoint Online, Windows Azure Active Directory, Microsoft Intune,
 * Microsoft Teams, Azure Portal, OneDrive SyncEngine, Power BI Service, Dynamics CRM Online, Skype for Business
 * Online …), which lures borrow to pass as Microsoft's (Defender's apps begin "Microsoft" or "Windows"). Matched
 * at the start of the name, as whole words; `words` may be run together or apart ("Office365", "Share Point").
 * Some are everyday words too (Teams, Graph, Exchange): an application of your own so named is worth renaming.
 */
export const MICROSOFT_PRODUCT_NAMES: ReadonlyArray<{ name: string; words: readonly string[] }> = [
  { name: 'Microsoft', words: ['Microsoft'] },
  { name: 'Azure', words: ['Azure'] },
  { name: 'Office 365', words: ['Office', '365'] },
  { name: 'O365', words: ['O365'] },
  { name: 'M365', words: ['M365'] },
  { name: 'Windows', words: ['Windows'] },
  { name: 'Graph', words: ['Graph'] },
  { name: 'Entra', words: ['Entra'] },
  { name: 'Intune', words: ['Intune'] },
  { name: 'Teams', words: ['Teams'] },
  { name: 'Outlook', words: ['Outlook'] },
  { name: 'SharePoint', words: ['Share', 'Point'] },
  { name: 'Exchange', words: ['Exchange'] },
  { name: 'OneDrive', words: ['One', 'Drive'] },
  { name: 'Power BI', words: ['Power', 'BI'] },
  { name: 'Dynamics', words: ['Dynamics'] },
  { name: 'Skype', words: ['Skype'] },
];

/**
 * Look-alikes of Latin letters from other scripts (Unicode's confusables.txt, the common ones), each pair the
 * look-alike then the Latin letter, both cases: an upper-case Cyrillic or Greek letter imitates an upper-case
 * Latin one even where their lower cases differ (Greek Ν is N, ν is v).
 */
const LOOK_ALIKE_PAIRS = [
  // Cyrillic
  'аa вb еe кk мm нh оo рp сc тt уy хx іi јj ѕs ԁd һh ԛq ԝw ӏl үy',
  'АA ВB ЕE КK МM НH ОO РP СC ТT УY ХX ІI ЈJ ЅS ԚQ ԜW ӀI ҮY',
  // Greek
  'αa εe ιi κk νv οo ρp τt υu χx ϲc ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX ϹC',
  // Armenian, and Latin letters outside ASCII
  'օo ոn սu ıi ɑa ɡg',
].join(' ');
const CONFUSABLES: ReadonlyMap<string, string> = new Map(
  LOOK_ALIKE_PAIRS.split(' ').map((pair) => [...pair] as [string, string]),
);

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;

/** The name as read: compatibility forms (full-width, mathematical letters), invisible characters, accents gone. */
function plain(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').normalize('NFD').replace(MARKS, '');
}

/** What a name looks like: look-alike letters and the usual ASCII swaps folded to Latin (case kept). */
function skeleton(text: string): string {
  return [...plain(text)]
    .map((character) => CONFUSABLES.get(character) ?? character)
    .join('')
    .replace(/0/g, 'o')
    .replace(/[1l|!]/g, 'i')
    .replace(/\$/g, 's')
    .replace(/@/g, 'a')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/VV/g, 'W');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether the name begins (after any punctuation) with the words, any separators between them, as a whole word:
 * no letter after it, unless a capitalised word runs on ("MicrosoftGraph"). Case-insensitive.
 */
function beginsWith(name: string, words: readonly string[]): boolean {
  const lower = name.toLowerCase();
  const body = words.map((word) => escapeRegExp(word.toLowerCase())).join('[^\\p{L}\\p{N}]*');
  const match = new RegExp(`^[^\\p{L}\\p{N}]*${body}`, 'u').exec(lower);
  if (!match) return false;
  const end = match[0].length;
  if (end >= lower.length || !/\p{L}/u.test(lower[end]!)) return true;
  // A capitalised word run on ("MicrosoftGraph", not "GraphQL"), where the lower-case form lines up with the name.
  return (
    lower.length === name.length &&
    /\p{Ll}/u.test(name[end - 1]!) &&
    /\p{Lu}/u.test(name[end]!) &&
    /\p{Ll}/u.test(name[end + 1] ?? '')
  );
}

/** The product name the display name begins with, and whether it takes look-alike characters to read so. */
export function imitatedProduct(displayName: string): { product: string; lookAlike: boolean } | null {
  const read = plain(displayName);
  const seen = skeleton(displayName);
  for (const { name, words } of MICROSOFT_PRODUCT_NAMES) {
    if (beginsWith(displayName, words)) return { product: name, lookAlike: false };
    if (beginsWith(read, words) || beginsWith(seen, words.map(skeleton)))
      return { product: name, lookAlike: true };
  }
  return null;
}

export default defineCheck({
  id: 'imitates_microsoft_name',
  title: 'Service principal named like a Microsoft application it is not',
  severity: 'high',
  rationale:
    "An application named like Microsoft's own (Microsoft Graph, Azure, Office 365 …) is trusted at a glance: users consent to it and reviewers skip it, which is why consent-phishing apps and intruders' backdoors take such names.",
  remediation:
    'Find who published it (its publisher tenant, verified publisher and owners) and what it holds; if nobody vouches for it, disable it and revoke its permissions and consents; rename genuine applications of your own so they cannot be taken for Microsoft’s.',
  params: {},
  evaluate({ identity }) {
    if (identity.kind !== 'servicePrincipal' || isManagedIdentity(identity)) return notApplicable;
    if (identity.publisher === 'microsoft') return notApplicable;
    const match = imitatedProduct(identity.displayName);
    if (!match) return pass;
    if (identity.publisher === 'unknown')
      return unknown(
        'publisher unknown: Graph did not say which tenant owns this Microsoft-like application, so whether it is genuine cannot be told',
      );
    const publisher =
      identity.publisher === 'own'
        ? 'it was registered in this tenant'
        : `it is published by another tenant${identity.appOwnerOrganizationId ? ` (${identity.appOwnerOrganizationId})` : ''}`;
    const how = match.lookAlike ? ', written with look-alike characters,' : '';
    return failWith([
      {
        message: `display name "${identity.displayName}"${how} begins like Microsoft's "${match.product}" applications, but Microsoft did not publish it: ${publisher}`,
      },
    ]);
  },
});
