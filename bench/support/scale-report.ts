// The scale benchmark's figures: each printed as soon as it is measured,
// beside its target and whether it was met, then all of them again as one
// table at the end. A missed target is said plainly (MISSED); it does not
// make the run fail.
export interface Figure {
  readonly name: string;
  readonly value: string;
  /** Empty for a figure that is context (a baseline, a ratio), not a target. */
  readonly target: string;
  readonly met: boolean | null;
}

const verdict = (figure: Figure): string => (figure.met === null ? '' : figure.met ? 'met' : 'MISSED');

export class ScaleReport {
  private readonly figures: Figure[] = [];

  /** A figure with a target. */
  target(name: string, value: string, target: string, met: boolean): void {
    this.add({ name, value, target, met });
  }

  /** A figure without a target: a baseline, a ratio, how long a step took. */
  note(name: string, value: string): void {
    this.add({ name, value, target: '', met: null });
  }

  get missed(): readonly Figure[] {
    return this.figures.filter((figure) => figure.met === false);
  }

  table(): string {
    const rows = [['figure', 'value', 'target', ''], ...this.figures.map((f) => [f.name, f.value, f.target, verdict(f)])];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}`).join('\n');
  }

  private add(figure: Figure): void {
    this.figures.push(figure);
    const target = figure.target === '' ? '' : `   target ${figure.target}: ${verdict(figure)}`;
    console.log(`  ${figure.name}: ${figure.value}${target}`);
  }
}

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
export const mb = (value: number): string => `${value.toFixed(0)} MB`;
export const count = (value: number): string => Math.round(value).toLocaleString('en');
export const rate = (value: number): string => `${count(value)} events/s`;
