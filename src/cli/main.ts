import { Command, CommanderError, Option } from 'commander';
import { ApiRequestError } from '../client/api-error.js';
import { applyCommand } from './apply.js';
import { changed, computeChanges, printChanges } from './changes.js';
import { CliError, EXIT } from './cli-error.js';
import { contextFromEnv } from './context.js';
import { flowlogsCommand } from './flowlogs.js';
import { formatOf } from './output.js';
import {
  analyzeCommand,
  auditCommand,
  deleteCommand,
  explainCommand,
  getCommand,
  statusCommand,
} from './read-commands.js';

const HELP_AFTER = `
Environment:
  OMNIWALL_URL     the service, e.g. https://omniwall.example.net (required)
  OMNIWALL_TOKEN   an API token (required; never pass a token as an argument)
  OMNIWALL_TENANT  the tenant of documents without a tenant key and of commands without --tenant
                   (else the token's own tenant, else the only Tenant document applied)

Documents (apply, diff, plan): YAML (several per file, --- apart) or JSON, each the API's own PUT body
plus kind (Tenant, Service, Workload, Group, Policy, App, WebhookSource), id and optionally tenant.

Exit codes:
  0  success; diff and plan: nothing would change
  1  diff and plan: something would change
  2  bad usage, environment or documents (nothing was sent)
  3  plan --fail-on-impact: the changes would cut established flows
  4  the API refused a request or could not be reached
`;

const output = () => new Option('-o, --output <format>', 'json, yaml or table').default('table');
const tenantFlag = () => new Option('-t, --tenant <id>', 'the tenant (default: OMNIWALL_TENANT)');
const files = () =>
  new Option('-f, --filename <path...>', 'YAML or JSON file(s) or folder(s) of them').makeOptionMandatory();

export function program(): Command {
  const cmd = new Command('omniwall')
    .description('omniwall from the command line: policy as code, explain, analysis, status, logs')
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(omniwall --help lists commands and exit codes)')
    .exitOverride();
  cmd.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cmd
    .command('apply')
    .description('create or update what the documents describe; unchanged objects are not written')
    .addOption(files())
    .addOption(output())
    .action(async (o) => applyCommand(contextFromEnv(), o.filename, formatOf(o.output)));

  cmd
    .command('diff')
    .description('show what apply would change; exit 0 none, 1 changes, >1 error')
    .addOption(files())
    .addOption(output())
    .action(async (o) => {
      const changes = await computeChanges(contextFromEnv(), o.filename, 'comparing');
      printChanges(formatOf(o.output), changes, false);
      process.exitCode = changed(changes).length ? EXIT.changes : EXIT.ok;
    });

  cmd
    .command('plan')
    .description('the diff and its impact on live flows (dry runs); exit 0 none, 1 changes, 3 flows cut')
    .addOption(files())
    .addOption(output())
    .option('--fail-on-impact', 'exit 3 when a change would no longer allow established flows')
    .action(async (o) => {
      const changes = await computeChanges(contextFromEnv(), o.filename, 'planning');
      printChanges(formatOf(o.output), changes, true);
      const cut = changes.reduce((n, c) => n + (c.impact?.established.cut ?? 0), 0);
      if (o.failOnImpact && cut > 0) {
        process.stderr.write(`--fail-on-impact: ${cut} established flow(s) would no longer be allowed\n`);
        process.exitCode = EXIT.impact;
      } else process.exitCode = changed(changes).length ? EXIT.changes : EXIT.ok;
    });

  cmd
    .command('get')
    .description(
      'list a kind, or show one object (kinds: tenant, workload, group, service, policy, app, webhook)',
    )
    .argument('<kind>')
    .argument('[id]')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (kind, id, o) =>
      getCommand(contextFromEnv(), kind, id, { tenant: o.tenant, format: formatOf(o.output) }),
    );

  cmd
    .command('delete')
    .description('delete one object (an app with everything it owns)')
    .argument('<kind>')
    .argument('<id>')
    .addOption(tenantFlag())
    .option('--dry-run', 'answer what would be deleted and its impact; change nothing')
    .addOption(output())
    .action(async (kind, id, o) =>
      deleteCommand(contextFromEnv(), kind, id, {
        tenant: o.tenant,
        dryRun: o.dryRun,
        format: formatOf(o.output),
      }),
    );

  cmd
    .command('explain')
    .description("why a connection's first packet is allowed or dropped, hop by hop")
    .requiredOption(
      '--from <endpoint>',
      'source: workload:ID, vnic:ID, ip:ADDR, or a bare address or workload id',
    )
    .requiredOption('--to <endpoint>', 'destination, as --from')
    .option('--proto <proto>', 'tcp, udp, icmp, icmpv6 or a protocol number', 'tcp')
    .option('-p, --port <port>', 'destination port')
    .option('--sport <port>', 'source port')
    .option('--icmp-type <n>')
    .option('--icmp-code <n>')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (o) => explainCommand(contextFromEnv(), { ...o, format: formatOf(o.output) }));

  cmd
    .command('analyze')
    .alias('analyse')
    .description('rule anomalies: shadowed, redundant, correlated, generalization, irrelevant, unused')
    .option('--kind <kind>', 'only findings of this kind')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (o) => analyzeCommand(contextFromEnv(), { ...o, format: formatOf(o.output) }));

  cmd
    .command('status')
    .description('realization: desired vs realized revision, per hypervisor')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (o) => statusCommand(contextFromEnv(), { ...o, format: formatOf(o.output) }));

  cmd
    .command('audit')
    .description('audit log entries, newest first')
    .option('--object <kind/id>', 'only this object (or kind)')
    .option('--actor <token id>')
    .option('--since <ISO time>')
    .option('--limit <n>', 'entries (1-1000)', '20')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (o) => auditCommand(contextFromEnv(), { ...o, format: formatOf(o.output) }));

  cmd
    .command('flowlogs')
    .description('logged verdicts; --follow prints new ones as they come until interrupted')
    .option('--follow', 'keep polling for new entries (stop with Ctrl-C)')
    .option('--interval <seconds>', 'poll interval with --follow', '2')
    .option('--limit <n>', 'entries shown first (1-1000)', '20')
    .option('--hypervisor <id>')
    .option('--workload <id>')
    .option('--rule <id>')
    .option('--action <action>', 'allow, drop or reject')
    .option('--since <ISO time>')
    .addOption(tenantFlag())
    .addOption(output())
    .action(async (o) => flowlogsCommand(contextFromEnv(), { ...o, format: formatOf(o.output) }));

  return cmd;
}

function message(err: unknown): { text: string; code: number } {
  if (err instanceof CliError) return { text: err.message, code: err.exitCode };
  if (err instanceof ApiRequestError) return { text: err.describe(), code: EXIT.api };
  if (err instanceof TypeError && /fetch/i.test(err.message)) {
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    return { text: `cannot reach ${process.env.OMNIWALL_URL}: ${cause}`, code: EXIT.api };
  }
  return { text: err instanceof Error ? (err.stack ?? err.message) : String(err), code: EXIT.invalid };
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0
      return err.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    const { text, code } = message(err);
    process.stderr.write(`omniwall: ${text}\n`);
    return code;
  }
}
