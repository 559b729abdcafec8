import type { AbstractControl, ValidationErrors } from '@angular/forms';

/** A number field that must hold a whole number (empty passes; add `Validators.required` for that). */
export const integer = (control: AbstractControl<number | null>): ValidationErrors | null =>
  control.value === null || Number.isInteger(control.value) ? null : { integer: true };

/** A text field that must hold more than spaces (`required` error, so the field's message says what is missing). */
export const notBlank = (control: AbstractControl<string>): ValidationErrors | null =>
  control.value.trim() ? null : { required: true };

/** The largest token budget the gateway takes (a trillion tokens: far beyond any real cap). */
export const MAX_BUDGET_TOKENS = 1_000_000_000_000;
