/**
 * The command line: the only place that parses argv. Every command returns an exit code
 * (see exit-codes.ts); failures are printed as one clear message on stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import type * as ConfigCommands from './commands/config';
import type * as DemoCommand from './commands/demo';
import type * as ExplainCommand from './commands/explain';
import type * as OktaSimCommand from './commands/okta-sim';
import type * as PlanCommand from './commands/plan';
import type * as PreflightCommand from './commands/preflight';
import type * as QuarantineCommand from './commands/quarantine';
import type * as ReportCommand from './commands/report';
import type * as RunCommand from './commands/run';
import type * as SampleCommand from './commands/sample';
import type * as StatusCommand from './commands/status';
import type * as SyncCommand from './commands/sync';
import { describeError, exitCodeOf } from './errors';
import { EXIT, EXIT_HELP, type ExitCode } from './exit-codes';
import { EXPLAIN_HELP, QUARANTINE_SORTS, SAMPLE_HELP } from './help';
import { createProcessIo, type Io } from './io';

/**
 * A command's module, loaded when the command runs: `sync` (every scheduled run) does not load the
 * daemon, the simulator, the sampler or the inspectors (about half of the start-up's module loading).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, on purpose
const load = <M>(path: string): M => require(path) as M;
const commands = {
  config: () => load<typeof ConfigCommands>('./commands/config'),
  demo: () => load<typeof DemoCommand>('./commands/demo'),
  explain: () => load<typeof ExplainCommand>('./commands/explain'),
  oktaSim: () => load<typeof OktaSimCommand>('./commands/okta-sim'),
  plan: () => load<typeof PlanCommand>('./commands/plan'),
  preflight: () => load<typeof PreflightCommand>('./commands/preflight'),
  quarantine: () => load<typeof QuarantineCommand>('./commands/quarantine'),
  report: () => load<typeof ReportCommand>('./commands/report'),
  run: () => load<typeof RunCommand>('./commands/run'),
  sample: () => load<typeof SampleCommand>('./commands/sample'),
  status: () => load<typeof StatusCommand>('./commands/status'),
  sync: () => load<typeof SyncCommand>('./commands/sync'),
};

const DEFAULT_CONFIG = process.env.LDAP_OKTA_SYNC_CONFIG ?? '/etc/ldap-okta-sync/config.yaml';

export async function main(argv: string[], io: Io = createProcessIo()): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = new Command('ldap-okta-sync')
    .description('Sync users from Active Directory / LDAP into Okta (profiles only; passwords stay in the directory).')
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside rootDir
    .version((require('../../package.json') as { version: string }).version)
    .addHelpText('after', `\n${EXIT_HELP}\n\nThe configuration defaults to $LDAP_OKTA_SYNC_CONFIG or /etc/ldap-okta-sync/config.yaml.`)
    .option('--debug', 'on an error, print its stack trace too (for a bug report)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

  const configOption = () => new Option('-c, --config <file>', 'configuration file').default(DEFAULT_CONFIG);
  const run = (fn: () => Promise<ExitCode>) => async () => {
    code = await fn();
  };

  program
    .command('sync')
    .description('read the directory, transform, plan and apply the changes to Okta, once')
    .addOption(configOption())
    .option('--json', 'print the run report as JSON')
    .option('--full', 'read every entry (default: only changes since the last run, when the watermark allows it)')
    .option('--incremental', 'only changes since the last run (falls back to a full run, and says why, when it cannot)')
    .option('--allow-mass-change', 'let this one run through the safeguards (check `plan` first)')
    .option('--rebuild-mirror', "read every Okta user and group into the agent's mirror of Okta again (normally only changes are read)")
    .action(async (o: Parameters<typeof SyncCommand.cmdSync>[0]) => run(() => commands.sync().cmdSync(o, io))());

  program
    .command('plan')
    .description('print what a sync would do (creates, updates with before/after, quarantined), writing nothing')
    .addOption(configOption())
    .option('--json', 'print the whole plan as JSON')
    .option('--limit <n>', 'rows per table', (v) => parseInt(v, 10), 200)
    .option('--full', 'plan a full run (default: what the next sync would do)')
    .option('--scale-from-sample [file]', 'the source is a sample (`sample`): also forecast the whole directory (default file: the ldif source)')
    .action(async (o: Parameters<typeof PlanCommand.cmdPlan>[0]) => run(() => commands.plan().cmdPlan(o, io))());

  program
    .command('status')
    .description('users linked and quarantined, watermarks, the next scheduled runs, and the recent runs with their counts (read-only)')
    .addOption(configOption())
    .option('--json', 'as JSON')
    .option('--runs <n>', 'how many runs to show', (v) => parseInt(v, 10), 10)
    .option('--next <n>', 'how many scheduled runs to show', (v) => parseInt(v, 10), 5)
    .action(async (o: Parameters<typeof StatusCommand.cmdStatus>[0]) => run(() => commands.status().cmdStatus(o, io))());

  program
    .command('report')
    .description("a sync run's report, as it left it in the state directory (the latest run without RUN-ID)")
    .argument('[run-id]', 'the run number (see status)')
    .addOption(configOption())
    .option('--json', 'the stored JSON report')
    .option('--limit <n>', 'rows per list (failures, quarantined by Okta)', (v) => parseInt(v, 10), 50)
    .action(async (runId: string | undefined, o: Parameters<typeof ReportCommand.cmdReport>[1]) => run(() => commands.report().cmdReport(runId, o, io))());

  program
    .command('quarantine')
    .description('records kept out of Okta by a run: DN, anchor, login, step, reason, since when, whether in Okta already (read-only)')
    .addOption(configOption())
    .option('--json', 'as JSON')
    .option('--csv', 'as CSV for a spreadsheet (quoted, formula-safe)')
    .option('--step <name>', 'only records quarantined at this step (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .addOption(new Option('--sort <key>', 'order of the rows').choices([...QUARANTINE_SORTS]).default('run'))
    .action(async (o: Parameters<typeof QuarantineCommand.cmdQuarantine>[0]) => run(() => commands.quarantine().cmdQuarantine(o, io))());

  program
    .command('preflight')
    .description('before the first import: read the whole directory, run the transforms, check Okta read-only, report data quality; writes nothing')
    .addOption(configOption())
    .option('--json', 'print the report as JSON')
    .option('--csv <file>', 'write every problem record to this CSV file (spreadsheet-safe)')
    .option('--csv-fixes', 'also write values the transforms fixed by themselves (normalised phones, e-mails) to the CSV')
    .option('--examples <n>', 'examples per problem type', (v) => parseInt(v, 10), 5)
    .option('--scale-from-sample [file]', 'the source is a sample (`sample`): also forecast the whole directory (default file: the ldif source)')
    .addHelpText('after', '\nExit code 0: no record would be quarantined; 6: some would (see the report).')
    .action(async (o: Parameters<typeof PreflightCommand.cmdPreflight>[0]) => run(() => commands.preflight().cmdPreflight(o, io))());

  const repeat = (v: string, acc: string[] = []) => [...acc, v];
  program
    .command('sample')
    .description(
      'write a stratified, pseudonymised sample of the users (and groups) as LDIF, for a rehearsal in a preview org; reads the directory twice, writes nothing else',
    )
    .addOption(configOption())
    .requiredOption('--percent <p>', 'share of the users to sample (e.g. 25; about 20 above a million users)')
    .requiredOption('--key-file <file>', 'file holding the secret key of the pseudonyms (at least 16 bytes)')
    .requiredOption('--out <file>', 'the LDIF file to write (mode 0600)')
    .option('--suffix <dn>', "the sample's suffix DN, replacing the directory's root (default: the root, pseudonymised)")
    .option('--keep-domain <domain>', 'an e-mail domain to keep as it is, e.g. the one a transform tests (repeatable)', repeat)
    .option('--keep <attribute>', 'an attribute to copy as it is, e.g. a lookup key (repeatable)', repeat)
    .option('--pseudonymize <attribute>', 'an attribute to pseudonymise although it is kept by default (repeatable)', repeat)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `\n${SAMPLE_HELP}`)
    .action(async (o: Parameters<typeof SampleCommand.cmdSample>[0]) => run(() => commands.sample().cmdSample(o, io))());

  program
    .command('explain')
    .description('one user: source values, each transform step, the final profile and what the next sync would send, the state and the last run (read-only)')
    .argument('<key>', 'anchor, login or DN of the user')
    .addOption(configOption())
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${EXPLAIN_HELP}`)
    .action(async (key: string, o: Parameters<typeof ExplainCommand.cmdExplain>[1]) => run(() => commands.explain().cmdExplain(key, o, io))());

  program
    .command('run')
    .description('run as a daemon: sync on the configured schedule until SIGTERM')
    .addOption(configOption())
    .action(async (o: Parameters<typeof RunCommand.cmdRun>[0]) => run(() => commands.run().cmdRun(o, io))());

  const config = program.command('config').description('configuration tools');
  config
    .command('validate')
    .description('check a configuration file: every problem with file, line and key')
    .addOption(configOption())
    .option('--online', "also check it against the Okta org (needs the API token): every mapped attribute must exist in the org's user schema")
    .action(async (o: Parameters<typeof ConfigCommands.cmdConfigValidate>[0]) => run(() => commands.config().cmdConfigValidate(o, io))());
  config
    .command('schema')
    .description('print the JSON schema of the configuration file (the same for every file)')
    .addOption(configOption())
    .action(async (o: Parameters<typeof ConfigCommands.cmdConfigSchema>[0]) => run(() => commands.config().cmdConfigSchema(o, io))());
  config
    .command('reference')
    .description('print the configuration reference (every option, its type, default and description) in Markdown')
    .action(async (o: Parameters<typeof ConfigCommands.cmdConfigReference>[0]) => run(() => commands.config().cmdConfigReference(o, io))());

  program
    .command('okta-sim')
    .description('run the built-in Okta simulator (for tests and trials; not Okta)')
    .option('--port <n>', 'port', (v) => parseInt(v, 10), 8080)
    .option('--host <host>', 'interface', '127.0.0.1')
    .option('--token <token>', 'API token clients must send (default: random, printed)')
    .option('--seed <file>', 'JSON file with initial users and groups')
    .option('--quiet', 'do not print a line per request')
    .option('--unlimited', 'no rate limits (benchmarks); default: Okta Workforce per-minute limits')
    .action(async (o: Parameters<typeof OktaSimCommand.cmdOktaSim>[0]) => run(() => commands.oktaSim().cmdOktaSim(o, io))());

  program
    .command('demo')
    .description('sync the sample directory (config/demo) into the built-in Okta simulator and print the plan and the report')
    .action(async () => run(() => commands.demo().cmdDemo(io))());

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    io.err(`ldap-okta-sync: ${describeError(e, { debug: !!program.opts<{ debug?: boolean }>().debug })}`);
    return exitCodeOf(e);
  }
}
