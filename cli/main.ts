/**
 * `fanout`: the entry point bin/fanout.js calls. Parses the arguments with the program, and turns
 * every failure into a message and an exit code: 0 run completed (page errors included), 1 usage,
 * input or setup error, 2 some URLs were lost because their worker failed, 130 interrupted,
 * 141 stdout closed. A user-facing error prints its message alone; anything else is a bug and says
 * so; `--verbose` adds the stack.
 */
import v8 from 'node:v8';
import { CommanderError } from 'commander';
import { isUserFacing } from '../core/errors';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { buildProgram } from './program';

export { buildProgram } from './program';

/**
 * Wasm functions tier up from V8's baseline compiler to TurboFan only past this budget (V8's default
 * is 1.8M). The CLI parses HTTP only for robots.txt, yet undici's parser (llhttp, WebAssembly) was
 * tiered up on a background thread in every run: ~0.2 CPU s and ~40 MB, and exit waited for it
 * (measured with perf on a 1-URL run: 0.9 -> 0.7 CPU s, peak PSS 120 -> 81 MB). Workers keep the
 * default: they parse every page, and TurboFan's parser earns its compile there. Set after the
 * bundle is loaded, so its code cache (checked against V8's flags) still fits.
 */
const CLI_WASM_TIERING_BUDGET = 2_000_000_000;

/** Never throws: every failure becomes a message and an exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  v8.setFlagsFromString(`--wasm-tiering-budget=${CLI_WASM_TIERING_BUDGET}`);
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
