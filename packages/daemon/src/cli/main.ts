/** Entry point of the `switchyard` command; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stderr.write(`switchyard: the daemon is not implemented yet (${argv.join(' ')})\n`);
  return 1;
}
