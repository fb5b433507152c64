import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { DEFAULT_CONFIG } from './common.ts';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('check a config file, print it resolved with every default, or print its JSON Schema')
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--print', 'print the resolved config (all defaults filled in) as YAML')
    .option('--schema', 'print the JSON Schema of config files (for editor support)')
    .addHelpText(
      'after',
      '\nWith no flag, validates the file and says so (exit 2 with `path.to.key: message` lines if not, or if\nthe catalog, mirror or license table it names does not exist). Relative paths resolve against the\nconfig file folder.\nExamples:\n  $ dare-forge config --print\n  $ dare-forge config --config configs/kaggle.yaml\n  $ dare-forge config --schema > configs/schema.json\n',
    )
    .action(async (options: { config: string; print?: boolean; schema?: boolean }) => {
      if (options.schema) {
        const { configJsonSchema } = await import('../config/json-schema.ts');
        process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
        return;
      }
      const { loadConfig } = await import('../config/load.ts');
      const { config, warnings } = await loadConfig(options.config);
      for (const w of warnings) process.stderr.write(`warn: ${w}\n`);
      if (options.print) process.stdout.write((await import('yaml')).stringify(config));
      else {
        const { missingInputs } = await import('../config/paths.ts');
        const missing = await missingInputs(config);
        if (missing.length > 0)
          throw new UserError(
            `config ${options.config} names inputs that do not exist:\n${missing.map((m) => `  ${m}`).join('\n')}\nFix the key (relative paths resolve against the config file's folder).`,
          );
        process.stdout.write(`${options.config}: valid\n`);
      }
    });
}
