/**
 * `config validate`, `config schema` and `config reference`. `validate --online` also holds the
 * configuration against the Okta org (it needs the API token): every attribute the transforms set
 * or `okta.match` compares must exist in the org's user schema. Without --online nothing leaves the
 * machine.
 */
import { ConfigError, loadConfig, type LoadedConfig } from '../../config/load';
import { configReference } from '../../config/reference';
import { configJsonSchema } from '../../config/schema';
import { SdkOktaClient } from '../../okta/client';
import { OktaError, OktaFatalError } from '../../okta/errors';
import { schemaMismatches } from '../../sync/user-schema';
import { compile, printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdConfigValidate(opts: { config: string; online?: boolean }, io: Io): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const { config, file } = loaded;
  printConfigWarnings(loaded, io);
  const src = config.source.type === 'ldap' ? `${config.source.flavor} directory ${config.source.url}` : `LDIF file ${config.source.path}`;
  if (opts.online) await validateOnline(loaded, io);
  io.out(`${file}: OK (${src} → ${config.okta.orgUrl}, ${config.transforms.length} transform step(s), state ${config.state.path})`);
  return EXIT.OK;
}

/** The configuration against the org's user schema: a ConfigError (exit 3) naming each attribute it lacks. */
async function validateOnline(loaded: LoadedConfig, io: Io): Promise<void> {
  const { config, file } = loaded;
  const oktaClient = new SdkOktaClient(config.okta);
  const pipeline = compile(loaded);
  try {
    const schema = await oktaClient.getUserSchema().catch((e: unknown) => {
      // the token works but may not read schemas (an admin role without it): validation against the org cannot be done
      if (e instanceof OktaError) throw new OktaFatalError('auth', `cannot read the org's user schema to validate against it: ${e.message}`, { cause: e });
      throw e;
    });
    const issues = schemaMismatches(schema, pipeline, config.okta.match);
    if (issues.length) throw new ConfigError(loaded.locate(issues));
    const custom = Object.values(schema.attributes).filter((a) => a.scope === 'custom').length;
    io.out(
      `${file}: every mapped attribute exists in ${config.okta.orgUrl}'s user schema (${Object.keys(schema.attributes).length} attributes, ${custom} custom)`,
    );
  } finally {
    oktaClient.close();
    await pipeline.close();
  }
}

export async function cmdConfigSchema(_opts: object, io: Io): Promise<ExitCode> {
  io.out(JSON.stringify(configJsonSchema(), null, 2));
  return EXIT.OK;
}

/** Every option with its type, default and description, in Markdown (docs/configuration.md). */
export async function cmdConfigReference(_opts: object, io: Io): Promise<ExitCode> {
  io.stdout.write(configReference());
  return EXIT.OK;
}
