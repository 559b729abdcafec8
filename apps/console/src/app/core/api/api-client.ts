import { type EnvironmentProviders, InjectionToken, inject, provideAppInitializer } from '@angular/core';
import type { Client } from '@loop-gateway/api-client/client';
import { client } from '@loop-gateway/api-client/client.gen';
import { SessionStore } from '../session/session.store';

/**
 * The generated REST client (libs/api-client). Features call the generated functions with
 * `{ client: inject(API_CLIENT) }`, so a unit test can hand in a client with a fake `fetch`.
 */
export const API_CLIENT = new InjectionToken<Client>('API_CLIENT', {
  providedIn: 'root',
  factory: () => client,
});

/** '' = same origin as the console (the gateway serves both). */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => '',
});

/**
 * Configures the shared client once at start: same-origin base URL, the session token as bearer
 * for secured operations, and "a 401 on an authenticated call ends the session" (expired or
 * revoked token → back to the login page).
 */
export function provideApiClient(): EnvironmentProviders {
  return provideAppInitializer(() => {
    const api = inject(API_CLIENT);
    const session = inject(SessionStore);
    api.setConfig({ baseUrl: inject(API_BASE_URL), auth: () => session.token() ?? undefined });
    api.interceptors.response.use((response, request) => {
      if (response.status === 401 && request.headers.has('Authorization')) session.expire();
      return response;
    });
  });
}
