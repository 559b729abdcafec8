import type { Routes } from '@angular/router';
import { requireGuest, requireSession, requireSetupPending } from './core/session/session.guards';

export const routes: Routes = [
  {
    path: 'setup',
    title: 'Set up',
    canActivate: [requireSetupPending],
    loadChildren: () => import('./auth/setup/setup.routes'),
  },
  {
    path: 'login',
    title: 'Log in',
    canActivate: [requireGuest],
    loadChildren: () => import('./auth/login/login.routes'),
  },
  {
    path: '',
    canActivate: [requireSession],
    loadChildren: () => import('./shell/shell.routes'),
  },
  { path: '**', redirectTo: '' },
];
