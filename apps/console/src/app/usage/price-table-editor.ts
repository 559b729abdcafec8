import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import {
  type AbstractControl,
  FormArray,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatCard, MatCardContent, MatCardHeader, MatCardSubtitle, MatCardTitle } from '@angular/material/card';
import { MatIcon } from '@angular/material/icon';
import { MatProgressSpinner } from '@angular/material/progress-spinner';
import { MatTooltip } from '@angular/material/tooltip';
import { getPriceTable, updatePriceTable } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { type PriceRow, duplicatePrefixes, priceRows, priceTableBody } from './price-table';
import { IfAdmin } from '../core/session/if-admin';

const PRICE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

const uniquePrefixes = (control: AbstractControl): ValidationErrors | null => {
  const duplicates = duplicatePrefixes((control as FormArray).getRawValue() as PriceRow[]);
  return duplicates.length ? { duplicates } : null;
};

/** The price table (USD per million tokens by model-id prefix): edit, add, remove, save. */
@Component({
  selector: 'lg-price-table-editor',
  imports: [
    IfAdmin,
    Alert,
    MatButton,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardSubtitle,
    MatCardTitle,
    MatIcon,
    MatIconButton,
    MatProgressSpinner,
    MatTooltip,
    ReactiveFormsModule,
  ],
  templateUrl: './price-table-editor.html',
  styleUrl: './price-table-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PriceTableEditor {
  private readonly api = inject(API_CLIENT);
  private readonly fb = inject(NonNullableFormBuilder);

  /** The gateway took a new table (costs change with it). */
  readonly saved = output<void>();

  protected readonly fields = PRICE_FIELDS;
  protected readonly rows = new FormArray<ReturnType<PriceTableEditor['row']>>([], uniquePrefixes);
  protected readonly form = new FormGroup({ rows: this.rows });
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly loaded = signal(false);

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    const { data, error } = await getPriceTable({ client: this.api });
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The price table could not be loaded.'));
      return;
    }
    this.reset(priceRows(data));
    this.loaded.set(true);
  }

  protected add(): void {
    this.rows.push(this.row({ prefix: '', input: 0, output: 0, cacheWrite: 0, cacheRead: 0 }));
    this.rows.markAsDirty();
    this.notice.set(null);
  }

  protected remove(index: number): void {
    this.rows.removeAt(index);
    this.rows.markAsDirty();
    this.notice.set(null);
  }

  protected async save(): Promise<void> {
    if (this.busy()) return;
    if (this.rows.invalid) {
      this.rows.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.notice.set(null);
    const { data, error } = await updatePriceTable({
      client: this.api,
      body: priceTableBody(this.rows.getRawValue()),
    });
    this.busy.set(false);
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The price table could not be saved.'));
      return;
    }
    this.reset(priceRows(data));
    this.notice.set('Saved. Costs are now estimated with the new prices.');
    this.saved.emit();
  }

  protected discard(): void {
    this.error.set(null);
    this.notice.set(null);
    void this.load();
  }

  private reset(rows: PriceRow[]): void {
    this.rows.clear();
    for (const row of rows) this.rows.push(this.row(row));
    this.rows.markAsPristine();
  }

  private row(row: PriceRow) {
    const price = [Validators.required, Validators.min(0)];
    return this.fb.group({
      prefix: [row.prefix, [Validators.required, Validators.maxLength(100)]],
      input: [row.input, price],
      output: [row.output, price],
      cacheWrite: [row.cacheWrite, price],
      cacheRead: [row.cacheRead, price],
    });
  }
}
