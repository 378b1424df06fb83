/**
 * `fanout`: the entry point bin/fanout.js calls. Parses the arguments with the program, and turns
 * every failure into a message and an exit code: 0 run completed (page errors included), 1 usage,
 * input or setup error, 2 some URLs were lost because their worker failed, 130 interrupted,
 * 141 stdout closed. A user-facing error prints its message alone; anything else is a bug and says
 * so; `--verbose` adds the stack.
 */
import { CommanderError } from 'commander';
import { isUserFacing } from '../core/errors';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { buildProgram } from './program';

export { buildProgram } from './program';

/** Never throws: every failure becomes a message and an exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  // Whoever reads our records has stopped reading: nothing more can be delivered, so stop at
  // once and quietly, as `yes | head` does (LocalInvoker kills its children on exit).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  });
  const program = buildProgram();
  program.exitOverride();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its one-line message; help and version exit 0.
      process.exitCode = err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return;
    }
    if (isUserFacing(err)) {
      process.stderr.write(`fanout: ${err.message}\n`);
    } else {
      process.stderr.write(`fanout: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!verbose) process.stderr.write('(run again with --verbose for the stack trace)\n');
    }
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT_USAGE;
  }
}
