/** The run completed; page errors are records, not failures of the run. */
export const EXIT_OK = 0;
/** Bad flags, list, spec or config: nothing or not everything could run. */
export const EXIT_USAGE = 1;
/** Some URLs got `worker-failed`: their worker crashed or timed out on every try. */
export const EXIT_LOST = 2;
/** Stopped by Ctrl-C / SIGTERM: the shell convention 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;
/** The reader of stdout went away (`fanout run … | head`): what SIGPIPE gives other tools. */
export const EXIT_BROKEN_PIPE = 141;
