import { styleText } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import Table from 'cli-table3';

/**
 * Where a command writes: a human reading a terminal (tables, progress bars, colour), a pipe
 * (plain text, no bars, no colour), or a program (`--json`: one JSON document on stdout).
 */
export class Output {
  /** Progress bars and colour: only when stdout is a terminal and not --json. */
  readonly interactive: boolean;
  private readonly colour: boolean;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
    env: Record<string, string | undefined> = process.env,
  ) {
    this.interactive = !json && stdout.isTTY === true;
    this.colour = this.interactive && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  }

  /** The command's one JSON document (--json). */
  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line of the human-readable result (nothing under --json, whose document says it all). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** A note on what is happening, on stderr, so stdout stays the result. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  table(head: string[], rows: (string | number | null)[][]): void {
    if (this.json) return;
    const table = new Table({
      head,
      style: this.colour ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
    });
    for (const row of rows) table.push(row.map((cell) => (cell === null ? '' : String(cell))));
    this.line(table.toString());
  }

  strong(text: string): string {
    return this.colour ? styleText('bold', text) : text;
  }

  /** A status in a colour that says how it went (green done, yellow with errors, red failed). */
  status(status: string): string {
    if (!this.colour) return status;
    if (status === 'completed') return styleText('green', status);
    if (status === 'completed_with_errors' || status === 'cancelled') return styleText('yellow', status);
    if (status === 'failed') return styleText('red', status);
    return status;
  }

  /** A progress bar on a terminal; a no-op otherwise. */
  progress(format: string): Progress {
    if (!this.interactive) return silentProgress;
    const bar = new SingleBar(
      { format, hideCursor: true, etaBuffer: 20, stream: this.stderr, noTTYOutput: false },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(value, total, payload = {}) {
        if (!started) {
          bar.start(Math.max(total, 1), value, payload);
          started = true;
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(value, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
}

export interface Progress {
  update(value: number, total: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

const silentProgress: Progress = { update() {}, stop() {} };

/** Bytes as a person reads them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
