/**
 * Help fitted to the width in use (README, "Terminal width"): commander wraps its own text; these
 * reflow the hand-written text after the options too, and stack a description under its term when
 * the terminal is too narrow to set them side by side.
 */
import { Command, Help, type AddHelpTextContext, type AddHelpTextPosition } from 'commander';

/** Hand-written help text reflowed for standard output or, with `error`, standard error. */
export type Reflow = (text: string, error: boolean) => string;

/**
 * A command whose hand-written help (`addHelpText`) is reflowed to the width in use when printed,
 * as commander wraps its own; its subcommands are made the same way (commander's createCommand).
 */
export class FittedCommand extends Command {
  constructor(
    name: string | undefined,
    private readonly reflow: Reflow,
  ) {
    super(name);
  }

  override createCommand(name?: string): Command {
    return new FittedCommand(name, this.reflow);
  }

  override addHelpText(position: AddHelpTextPosition, text: string | ((context: AddHelpTextContext) => string)): this {
    return super.addHelpText(position, typeof text === 'string' ? (context) => this.reflow(text, context.error) : text);
  }
}

/**
 * commander sets an option or command beside its description, and stops wrapping when the
 * description column would be narrower than 40 cells; on a narrow terminal the description goes
 * under its term instead, indented and wrapped, so help still fits.
 */
export function stackedWhenNarrow(wrapLines: (text: string, width: number) => string[]) {
  return (term: string, termWidth: number, description: string, helper: Help): string => {
    const width = helper.helpWidth ?? 80;
    if (description === '' || width - termWidth - 4 >= helper.minWidthToWrap) return Help.prototype.formatItem.call(helper, term, termWidth, description, helper);
    const indent = 6;
    return [`  ${term}`, ...wrapLines(description, width - indent).map((line) => ' '.repeat(indent) + line)].join('\n');
  };
}
