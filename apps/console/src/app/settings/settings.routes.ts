import type { Routes } from '@angular/router';
import { SettingsPage } from './settings.page';

export default [{ path: '', component: SettingsPage }] satisfies Routes;
