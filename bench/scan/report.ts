// Renders the scan benchmark's figures: tables for the console and the generated part of bench/README.md's
// `## Scan` section (between markers, so the prose around it is kept).
import { readFile, writeFile } from 'node:fs/promises';
import type { SizeResult } from './measure.ts';
import { judgeTargets } from './targets.ts';

export interface Machine {
  nproc: string;
  free: string;
  cpu: string;
  node: string;
}

const START = '<!-- scan:results:start -->';
const END = '<!-- scan:results:end -->';

const s = (ms: number | null, digits = 1) => (ms === null ? '–' : (ms / 1000).toFixed(digits));
const n = (v: number | null) => (v === null ? '–' : v.toLocaleString('en'));
const mb = (v: number | null) => (v === null ? '–' : v.toFixed(0));

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** `/v1.0/servicePrincipals?$select=id&$expand=owners(...)` → `servicePrincipals $expand=owners`. */
function chainName(first: string): string {
  const [path = '', query = ''] = first.split('?', 2);
  const expand = /\$expand=([A-Za-z]+)/.exec(decodeURIComponent(query))?.[1];
  return `${path.replace(/^\/(v1\.0|beta)\//, '')}${expand ? ` $expand=${expand}` : ''}`;
}

export function renderTables(results: SizeResult[]): string {
  const main = table(
    [
      'apps',
      'contender',
      'requests',
      'Graph requests',
      'RU',
      '429s',
      'wall s',
      'bound s',
      'wall / bound',
      'peak RSS MB',
    ],
    results.flatMap((r) => {
      const wall = r.lanyard.wallMs / 1000;
      const label = r.naive.measured ? 'naive (Graph SDK)' : 'naive, **computed**';
      return [
        [
          n(r.apps),
          label,
          n(r.naive.requests),
          n(r.naive.requests),
          n(r.naive.resourceUnits),
          n(r.naive.throttled),
          r.naive.wallMs != null
            ? s(r.naive.wallMs)
            : r.naive.estimatedWallMs != null
              ? `≈ ${(r.naive.estimatedWallMs / 3_600_000).toFixed(1)} h computed`
              : '–',
          '',
          '',
          mb(r.naive.peakRssMB),
        ],
        [
          n(r.apps),
          'lanyard scan',
          n(r.lanyard.log.httpRequests),
          n(r.lanyard.log.graphRequests),
          n(r.lanyard.log.resourceUnits),
          n(r.lanyard.log.throttled),
          wall.toFixed(wall < 10 ? 2 : 1),
          r.bound.seconds.toFixed(1),
          (wall / r.bound.seconds).toFixed(2),
          mb(r.lanyard.peakRssMB),
        ],
      ];
    }),
  );
  const bound = table(
    [
      'apps',
      'RU / 500 per s',
      'keyCredentials lists / 2.5 per s',
      'bare download',
      'bound (binding)',
      'bound with full buckets at start',
      'wall / that',
    ],
    results.map((r) => {
      const b = r.bound;
      return [
        n(r.apps),
        `${n(r.lanyard.log.resourceUnitsAnswered)} RU → ${b.ruSeconds.toFixed(1)} s`,
        `${r.lanyard.log.keyCredentialLists} → ${b.keyListSeconds.toFixed(1)} s`,
        `${r.bare.pages} pages in ${r.bare.chains.length} chains → ${b.downloadSeconds.toFixed(1)} s`,
        `${b.seconds.toFixed(1)} s (${b.binding})`,
        `${b.burstAwareSeconds.toFixed(1)} s`,
        (r.lanyard.wallMs / 1000 / b.burstAwareSeconds).toFixed(2),
      ];
    }),
  );
  const phases = table(
    [
      'apps',
      'open store',
      'sign-in → first page stored',
      'first → last page stored',
      'last page → scan committed',
      'close',
      'Graph: first → last request',
      'longest chain: lanyard / bare',
    ],
    results.map((r) => {
      const l = r.lanyard;
      const longest = l.log.chains.reduce((a, c) => (c.seconds > a.seconds ? c : a));
      const bare = r.bare.chains.find((c) => c.first.endsWith(longest.first));
      const first = l.firstPageMs ?? l.openMs;
      const last = l.lastPageMs ?? first;
      return [
        n(r.apps),
        `${s(l.openMs, 2)} s`,
        `${s(first - l.openMs, 2)} s`,
        `${s(last - first)} s`,
        `${s(l.openMs + l.scanMs - last)} s`,
        `${s(l.closeMs, 2)} s`,
        `${s(l.phases.graphMs)} s`,
        `${longest.seconds.toFixed(1)} s / ${bare ? bare.seconds.toFixed(1) : '?'} s (${longest.pages} pages, ${chainName(longest.first)})`,
      ];
    }),
  );
  return `${main}\n\nThe bound, per size:\n\n${bound}\n\nWhere Lanyard's wall time went:\n\n${phases}`;
}

export function renderTargets(results: SizeResult[]): string {
  return judgeTargets(results)
    .map((v) => `- ${v.met === null ? '?' : v.met ? 'met' : '**missed**'}: ${v.target} — ${v.figures}`)
    .join('\n');
}

export function renderGenerated(results: SizeResult[], machine: Machine): string {
  const sorted = [...results].sort((a, b) => a.apps - b.apps);
  const latency = [...new Set(sorted.map((r) => r.latencyMs))].join(', ');
  return [
    START,
    `Runs: ${sorted.map((r) => `${r.apps.toLocaleString('en')} apps on ${r.date} (load average ${r.loadAverage.map((l) => l.toFixed(1)).join(' → ')})`).join('; ')}.`,
    `Code: ${[...new Set(sorted.map((r) => (r.code ? `${r.code.commit}${r.code.uncommittedSrc.length > 0 ? ` + uncommitted ${r.code.uncommittedSrc.join(', ')}` : ''}` : '?')))].join('; ')}.`,
    `Machine: ${machine.cpu}, \`nproc\` ${machine.nproc}, Node ${machine.node}; ` +
      `medium budget (5,000 RU / 10 s, keyCredentials lists 150 / min), ${latency} ms added per Graph request.`,
    '',
    '```',
    `$ free -g\n${machine.free.trimEnd()}`,
    '```',
    '',
    renderTables(sorted),
    '',
    'Targets:',
    '',
    renderTargets(sorted),
    END,
  ].join('\n');
}

const INTRO = `## Scan

\`npm run bench -- scan [--apps 2000] [--no-naive] [--seed 1] [--latency-ms 50]\` (several sizes: \`--apps 10000,100000\`).
`;

/** Replaces the generated block of `## Scan` (creating the section if needed); other sections untouched. */
export async function updateReadme(file: URL, generated: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  let next: string;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start >= 0 && end > start) {
    next = `${text.slice(0, start)}${generated}${text.slice(end + END.length)}`;
  } else if (/^## Scan\s*$/m.test(text)) {
    // The section exists without the block: put the block at its end (before the next ## heading).
    const at = text.search(/^## Scan\s*$/m);
    const after = text.slice(at + 1).search(/^## /m);
    const cut = after < 0 ? text.length : at + 1 + after;
    next = `${text.slice(0, cut).trimEnd()}\n\n${generated}\n\n${text.slice(cut)}`;
  } else {
    next = `${text.trimEnd()}\n\n${INTRO}\n${generated}\n`;
  }
  await writeFile(file, next);
}
