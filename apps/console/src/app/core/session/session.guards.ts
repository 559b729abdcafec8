import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { SessionStore } from './session.store';

/** The shell: only with a session; otherwise set-up (first run) or login. */
export const requireSession: CanActivateFn = async () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (session.isLoggedIn()) return true;
  return router.parseUrl((await session.needsSetup()) ? '/setup' : '/login');
};

/** The login page: not once logged in, and not before the first admin exists. */
export const requireGuest: CanActivateFn = async () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (session.isLoggedIn()) return router.parseUrl('/');
  return (await session.needsSetup()) ? router.parseUrl('/setup') : true;
};

/** The set-up page: only while the gateway has no admin yet. */
export const requireSetupPending: CanActivateFn = async () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (session.isLoggedIn()) return router.parseUrl('/');
  return (await session.needsSetup()) ? true : router.parseUrl('/login');
};
