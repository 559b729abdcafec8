import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { provideApiClient } from './core/api/api-client';
import { SessionStore } from './core/session/session.store';
import { ConsoleTitleStrategy } from './core/ui/title-strategy';
import { provideConsoleIcons } from './core/ui/icons';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    { provide: TitleStrategy, useClass: ConsoleTitleStrategy },
    provideApiClient(),
    provideConsoleIcons(),
    // A stored session is checked with the gateway before the first route is chosen.
    provideAppInitializer(() => inject(SessionStore).restore()),
  ],
};
