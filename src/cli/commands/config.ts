/** `config validate` and `config schema`. */
import { loadConfig } from '../../config/load';
import { configJsonSchema } from '../../config/schema';
import { printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdConfigValidate(opts: { config: string }, io: Io): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const { config, file } = loaded;
  printConfigWarnings(loaded, io);
  const src = config.source.type === 'ldap' ? `${config.source.flavor} directory ${config.source.url}` : `LDIF file ${config.source.path}`;
  io.out(`${file}: OK (${src} → ${config.okta.orgUrl}, ${config.transforms.length} transform step(s), state ${config.state.path})`);
  return EXIT.OK;
}

export async function cmdConfigSchema(_opts: object, io: Io): Promise<ExitCode> {
  io.out(JSON.stringify(configJsonSchema(), null, 2));
  return EXIT.OK;
}
