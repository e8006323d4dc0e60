/**
 * Field validators: small named units the elements share. A validator answers with the key of the
 * message that says what is wrong, or null; the element translates the key when it renders, so a
 * language switch translates the errors on screen too.
 */
import { fromKit } from './from-kit.js';
import type { Messages } from './i18n.js';

// In the steps' chunk (the element's steps check its lookup form: StepsView.checkLookup): the first load's values come from the kit.
const { latinDigits } = fromKit('latinDigits');

/** Keys of the messages that are plain strings (what an error line can show). */
export type MessageKey = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];
export type Validator = (value: string) => MessageKey | null;

export const required: Validator = (value) => (value.trim() ? null : 'required');

/** The trimmed value matches `pattern` (an empty value is left to `required`). */
export const matches =
  (pattern: RegExp, message: MessageKey): Validator =>
  (value) =>
    !value.trim() || pattern.test(value.trim()) ? null : message;

/** The value is one of `allowed` (a choice from a list). */
export const oneOf =
  (allowed: readonly string[], message: MessageKey): Validator =>
  (value) =>
    allowed.includes(value) ? null : message;

/** The first failing validator's message, or null when the value passes them all. */
export function validate(raw: string, ...validators: Validator[]): MessageKey | null {
  const value = latinDigits(raw);
  for (const check of validators) {
    const failed = check(value);
    if (failed) return failed;
  }
  return null;
}

/** Validates several fields at once: their errors, and whether all passed. */
export function validateFields<F extends string>(fields: Partial<Record<F, [value: string, ...validators: Validator[]]>>) {
  const errors = {} as Record<F, MessageKey | null>;
  for (const name of Object.keys(fields) as F[]) {
    const [value, ...validators] = fields[name]!;
    errors[name] = validate(value, ...validators);
  }
  return { errors, valid: Object.values(errors).every((e) => e === null) };
}
