import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatCard, MatCardContent, MatCardHeader, MatCardTitle } from '@angular/material/card';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatProgressBar } from '@angular/material/progress-bar';
import { type SettingsResponseDto, getSettings } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { Alert } from '../core/ui/alert';
import { PageHeader } from '../core/ui/page-header';
import { RefreshButton } from '../core/ui/refresh-button';

type Entry = SettingsResponseDto['variables'][number];

const CONTAINER_STATES: Record<SettingsResponseDto['containerMode']['state'], string> = {
  off: 'Off (AGENT_CONTAINER_MODE=false)',
  ready: 'On, ready',
  unavailable: 'On, unavailable',
};

/** What a setting shows: its value, or for a secret only whether it is set. */
export function shownValue(entry: Entry): string {
  if (entry.secret) return entry.set ? 'Set (hidden)' : 'Not set';
  return entry.value === '' || entry.value === null ? '(empty)' : entry.value;
}

/** Settings: the gateway's configuration as it runs (read from the environment at start; admins only). */
@Component({
  selector: 'lg-settings-page',
  imports: [
    Alert,
    MatCard,
    MatCardContent,
    MatCardHeader,
    MatCardTitle,
    MatFormField,
    MatInput,
    MatLabel,
    MatProgressBar,
    PageHeader,
    RefreshButton,
  ],
  templateUrl: './settings.page.html',
  styleUrl: './settings.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsPage {
  private readonly api = inject(API_CLIENT);

  protected readonly settings = signal<SettingsResponseDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly filter = signal('');
  protected readonly containerStates = CONTAINER_STATES;
  protected readonly shownValue = shownValue;
  protected readonly variables = computed(() => {
    const words = this.filter().trim().toLowerCase();
    const all = this.settings()?.variables ?? [];
    return words
      ? all.filter((e) => e.name.toLowerCase().includes(words) || e.description.toLowerCase().includes(words))
      : all;
  });

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    const { data, error } = await getSettings({ client: this.api });
    this.loading.set(false);
    if (!data) {
      this.error.set(apiErrorMessage(error, 'The settings could not be loaded.'));
      return;
    }
    this.error.set(null);
    this.settings.set(data);
  }
}
