import type { AbstractControl, ValidationErrors } from '@angular/forms';

/** A number field that must hold a whole number (empty passes; add `Validators.required` for that). */
export const integer = (control: AbstractControl<number | null>): ValidationErrors | null =>
  control.value === null || Number.isInteger(control.value) ? null : { integer: true };
