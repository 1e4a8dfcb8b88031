// The lines of one option in a command's --help. The shared options (--dtype, the backend
// flags) appear in commands whose own options start their descriptions at different columns,
// so their lines are laid out for the column of the command that shows them.

/** The width help text is wrapped to (that of the hand-wrapped usage texts). */
const WIDTH = 96;

/**
 * `  FLAG` and its description, wrapped to WIDTH, every line of the description starting at
 * `column`; a flag too long for the column has its description two spaces after it.
 */
export function optionUsage(flag: string, description: string, column: number): string {
  const head = `  ${flag}`;
  const lines: string[] = [];
  let line = head.length < column ? head.padEnd(column) : `${head}  `;
  let fresh = true;
  for (const word of description.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(column);
      fresh = true;
    }
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines.join('\n');
}
