// `lanyard findings`: what the checks found, worst first; `--fail-on` turns it into a pipeline gate. Beside it,
// `lanyard checks` lists (and `checks run` re-runs) the checks, and `suppress` / `unsuppress` / `suppressions`
// accept findings for a while with a reason, an expiry and a name.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { CHECKS } from '../../core/checks/catalogue.ts';
import { SEVERITIES, type Severity } from '../../core/checks/check.ts';
import { CONTROLS } from '../../core/checks/controls.ts';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInput } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import { createFindingsService, severityRank } from '../../services/findings-service.ts';
import { countBySeverity, parseFindingsFormat, writeFindings } from '../format/findings-output.ts';
import { renderTable } from '../format/table.ts';
import { streamOutput } from '../output.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

/** `--fail-on` met: the findings are the result, not an error, so a code of its own (documented in the README). */
export const EXIT_FINDINGS = 1;

function parseSeverity(value: string, field: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new InvalidInput(`"${value}" is not a severity`, {
      field,
      fix: `use one of ${SEVERITIES.join(', ')}`,
    });
  }
  return value as Severity;
}

function parseChecks(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of ids) {
    if (!CHECKS.some((check) => check.id === id)) {
      throw new InvalidInput(`there is no check "${id}"`, {
        field: 'check',
        fix: 'lanyard checks lists them',
      });
    }
  }
  return ids;
}

const whoAmI = () => process.env.LANYARD_USER ?? userInfo().username;

export function registerFindings(program: Command): void {
  program
    .command('findings')
    .description(
      'what the checks found (expiring and expired credentials, ownerless and inactive identities, ...)',
    )
    .option('--integration <name>', 'only this integration (default: all)')
    .option(
      '--severity <severity>',
      'only findings at this severity or above: low | medium | high | critical',
    )
    .option('--check <ids>', 'only these checks (comma-separated ids; see `lanyard checks`)')
    .option('--all', 'resolved findings too')
    .option('--suppressed', 'suppressed findings too')
    .option(
      '--fail-on <severity>',
      `exit ${EXIT_FINDINGS} when an open, unsuppressed finding is at this severity or above`,
    )
    .option('--format <format>', 'table | json | csv', 'table')
    .addHelpText(
      'after',
      '\nChecks run after every scan over the latest inventory. A check that lacks data (owners, access or\n' +
        'sign-ins a scan could not read) answers "unknown" for that identity: it is listed as not judged,\n' +
        'never counted as passing, and leaves earlier findings as they were.',
    )
    .action(async (options) => {
      const globals = program.opts<GlobalOptions>();
      const format = parseFindingsFormat(String(options.format));
      const severity =
        options.severity === undefined ? undefined : parseSeverity(String(options.severity), 'severity');
      const failOn =
        options.failOn === undefined ? undefined : parseSeverity(String(options.failOn), 'failOn');
      const checks = parseChecks(options.check);
      await withStore(globals, async (store) => {
        const service = createFindingsService({ store, lastUse: store.lastUse, now: Date.now });
        const report = await service.list({
          ...(options.integration !== undefined ? { integration: String(options.integration) } : {}),
          ...(severity ? { severity } : {}),
          ...(checks ? { checks } : {}),
          includeResolved: Boolean(options.all),
          includeSuppressed: Boolean(options.suppressed),
        });
        const names = new Map((await store.integrations.list()).map((i) => [i.id, i.name]));
        await writeFindings(report, format, names, streamOutput());
        if (failOn) {
          const gating = report.findings.filter(
            (f) => f.state === 'open' && !f.suppression && severityRank(f.severity) >= severityRank(failOn),
          );
          if (gating.length) {
            const counts = countBySeverity(gating);
            process.stderr.write(
              `${gating.length} open finding${gating.length === 1 ? '' : 's'} at ${failOn} or above ` +
                `(${SEVERITIES.filter((s) => counts[s])
                  .map((s) => `${counts[s]} ${s}`)
                  .join(', ')})\n`,
            );
            process.exitCode = EXIT_FINDINGS;
          }
        }
      });
    });

  // Top-level commands rather than subcommands of `findings`: commander would give a subcommand's --integration
  // and --format to `findings` itself, unless every global option had to come before the command.
  const checks = program
    .command('checks')
    .description('list the checks, their severity and the CIS-aligned controls they serve')
    .option('--format <format>', 'table | json', 'table')
    .action(async (options) => {
      const controlsOf = (id: string) =>
        CONTROLS.filter((control) => control.checks.includes(id)).map((c) => `${c.framework} ${c.id}`);
      if (options.format === 'json') {
        const list = CHECKS.map(({ evaluate: _, ...meta }) => ({ ...meta, controls: controlsOf(meta.id) }));
        process.stdout.write(`${inertJson(list, 2)}\n`);
        return;
      }
      if (options.format !== 'table') parseFindingsFormat(String(options.format));
      const rows = CHECKS.map((check) => [
        check.id,
        check.severity,
        check.title,
        controlsOf(check.id).join('; '),
      ]);
      process.stdout.write(`${renderTable(['CHECK', 'SEVERITY', 'TITLE', 'CONTROLS'], rows, 60)}\n`);
    });

  checks
    .command('run')
    .description('run the checks again over the latest inventory now (every scan does it after committing)')
    .option('--integration <name>', 'only this integration (default: all)')
    .action(async (options) => {
      const globals = program.opts<GlobalOptions>();
      const { tiers } = await loadRiskSettings(globals);
      await withStore(globals, async (store) => {
        const service = createFindingsService({ store, lastUse: store.lastUse, now: Date.now, tiers });
        const names =
          options.integration !== undefined
            ? [String(options.integration)]
            : (await store.integrations.list()).map((i) => i.name);
        for (const name of names) {
          const result = await service.evaluate(name);
          process.stdout.write(
            `${inert(name)}: ${result.opened.length} opened, ${result.resolved.length} resolved\n`,
          );
        }
      });
    });

  program
    .command('suppress <check>')
    .description(
      'accept a check’s findings for a while: on one identity (and credential) or the whole integration',
    )
    .requiredOption('--integration <name>', 'the integration')
    .option('--identity <objectId>', 'only this identity (object id; default: every identity)')
    .option('--credential <keyId>', 'only this credential (key id; default: every credential)')
    .requiredOption('--reason <text>', 'why (kept with who suppressed it and when)')
    .option('--expires <duration>', 'how long it holds: 30d, 12w, ... (at most 365d)', '90d')
    .option('--by <name>', 'who decides (default: $LANYARD_USER or the login name)')
    .action(async (checkId: string, options) => {
      const globals = program.opts<GlobalOptions>();
      parseChecks(checkId);
      const duration = parseDuration(String(options.expires));
      if (duration > 365 * 86_400_000) {
        throw new InvalidInput('a suppression may hold at most 365 days', {
          field: 'expires',
          fix: '--expires 365d',
        });
      }
      await withStore(globals, async (store) => {
        const service = createFindingsService({ store, lastUse: store.lastUse, now: Date.now });
        const created = await service.suppress({
          integration: String(options.integration),
          checkId,
          ...(options.identity !== undefined ? { objectId: String(options.identity) } : {}),
          ...(options.credential !== undefined ? { keyId: String(options.credential) } : {}),
          reason: String(options.reason),
          expiresAt: new Date(Date.now() + duration),
          by: String(options.by ?? whoAmI()),
        });
        process.stdout.write(
          `suppression ${created.id}: ${checkId} until ${created.expiresAt.slice(0, 10)}, by ${inert(created.createdBy)}\n`,
        );
      });
    });

  program
    .command('unsuppress <id>')
    .description('lift a suppression before it expires (it stays in the audit trail)')
    .option('--by <name>', 'who lifts it (default: $LANYARD_USER or the login name)')
    .action(async (id: string, options) => {
      const globals = program.opts<GlobalOptions>();
      if (!/^\d{1,9}$/.test(id))
        throw new InvalidInput(`"${id}" is not a suppression id`, {
          fix: 'lanyard suppressions lists them',
        });
      await withStore(globals, async (store) => {
        const service = createFindingsService({ store, lastUse: store.lastUse, now: Date.now });
        await service.lift(Number(id), String(options.by ?? whoAmI()));
        process.stdout.write(`suppression ${id} lifted\n`);
      });
    });

  program
    .command('suppressions')
    .description('every suppression, in force, expired or lifted: who, why, until when')
    .option('--integration <name>', 'only this integration (default: all)')
    .action(async (options) => {
      const globals = program.opts<GlobalOptions>();
      await withStore(globals, async (store) => {
        const service = createFindingsService({ store, lastUse: store.lastUse, now: Date.now });
        const list = await service.suppressions(options.integration);
        const now = Date.now();
        const rows = list.map((s) => [
          s.id,
          s.integration,
          s.checkId,
          s.objectId ?? '(all)',
          s.keyId ?? '(all)',
          s.liftedAt ? `lifted by ${s.liftedBy}` : Date.parse(s.expiresAt) <= now ? 'expired' : 'in force',
          s.expiresAt.slice(0, 10),
          s.createdBy,
          s.reason,
        ]);
        process.stdout.write(
          list.length
            ? `${renderTable(['ID', 'INTEGRATION', 'CHECK', 'IDENTITY', 'CREDENTIAL', 'STATE', 'UNTIL', 'BY', 'REASON'], rows)}\n`
            : 'No suppressions.\n',
        );
      });
    });
}
