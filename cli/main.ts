import { Command, CommanderError } from 'commander';
import { type Io, runner } from './context.js';
import { registerImport } from './import.command.js';
import { registerImports } from './imports.command.js';
import { registerPeople } from './people.command.js';

/**
 * `intake`, the command line of Intake's public HTTP API (README, "Command line"). Answers the
 * exit code: 0 success (an import completed), 2 an import completed with errors, 1 anything else.
 */
export async function main(argv: string[], io: Omit<Io, 'exitCode'>): Promise<number> {
  const state: Io = { ...io, exitCode: 0 };
  const run = runner(state);
  const program = new Command('intake')
    .description("Intake's command line: CSV imports and people, over the public HTTP API")
    .option('--url <url>', 'the API address (default: INTAKE_URL)')
    .option('--api-key <key>', 'the API key (default: INTAKE_API_KEY)')
    .option('--json', 'print one JSON document on stdout (no tables, no progress bars)')
    .showHelpAfterError('(intake --help lists the commands)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerImport(program, run);
  registerImports(program, run);
  registerPeople(program, run);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    throw error;
  }
  return state.exitCode;
}
