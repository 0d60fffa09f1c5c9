import { readFileSync } from 'node:fs';
import { CliInputError, type CliIo } from './command';
import { commands } from './commands/index';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(10, ...commands.map((c) => c.name.length));
  const lines = [
    'careloop — CareLoop clinic tools on the command line',
    '',
    'Usage: careloop <command> [options]',
    '       careloop --help | --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `careloop <command> --help` for a command\'s options.',
  ];
  if (commands.length === 0) lines.splice(6, 0, '  (none yet)');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(help());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr(`careloop: unknown command '${first}'. Run careloop --help for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliInputError) {
      io.stderr(`careloop ${command.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
