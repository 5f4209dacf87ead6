/** Exit code of a command that did what was asked (for `verify`: the secret is valid). */
export const EXIT_OK = 0;
/** Exit code when the server refused the request (problem+json), or `verify` found the secret not valid. */
export const EXIT_FAILURE = 1;
/** Exit code for usage errors, a missing admin key, and a server that cannot be reached. */
export const EXIT_USAGE = 2;

/** Why a command failed; decides the exit code and which hints make sense. */
export type CliErrorKind = "usage" | "network" | "api" | "response";

/**
 * An expected failure of a command, printed as `error: <message>` without a stack trace.
 *
 * @example
 * throw new CliError("usage", "pass either --secret or --secret-stdin, not both");
 */
export class CliError extends Error {
  override readonly name = "CliError";
  /** Process exit code to use for this failure. */
  readonly exitCode: number;

  constructor(
    readonly kind: CliErrorKind,
    message: string,
    /** HTTP status when the server answered with an error. */
    readonly status?: number,
  ) {
    super(message);
    this.exitCode = kind === "usage" || kind === "network" ? EXIT_USAGE : EXIT_FAILURE;
  }
}
