/** Progress on stderr (stdout stays the result): one line per step, rewritten in place on a terminal. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly verb: string,
    private readonly quiet = false,
  ) {}

  step(done: number, what: string): void {
    if (this.quiet) return;
    const line = `${this.verb} ${done}/${this.total} ${what}`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else process.stderr.write(`${line}\n`);
  }

  end(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
