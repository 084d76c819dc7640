// Numeric options, checked the same way everywhere: `--limit abc`, `-5` or `1.5` is refused with the option's
// name and what a good value is, rather than quietly replaced by a default.
import { CliError } from './context';

export function wholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min)
    throw new CliError(`${option} must be a whole number of at least ${min} (got "${text}")`, 2);
  return value;
}
