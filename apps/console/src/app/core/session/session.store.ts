import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import {
  type AuthStatusResponseDto,
  type LoginDto,
  type LoginResponseDto,
  type SetupDto,
  type UserResponseDto,
  authStatus,
  login,
  logout,
  me,
  setup,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../api/api-client';
import { apiErrorMessage } from '../api/api-error';

/** A logged-in operator: what POST /api/auth/login (or /setup) returned. */
export interface Session {
  token: string;
  expiresAt: string;
  user: UserResponseDto;
}

/** Why the last session ended: the operator logged out, or the gateway refused the token. */
export type SessionEndReason = 'logout' | 'expired';

export type AuthResult = { ok: true } | { ok: false; message: string };

export const SESSION_STORAGE_KEY = 'lg.session';

/** Where the session survives a reload (localStorage in the browser, a fake in unit tests). */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => localStorage,
});

/**
 * The operator's session: token, user, and the transitions between logged out and logged in.
 * Everything that must let go of the session when it ends (the live socket, the activity feed)
 * registers with `onEnd`.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly api = inject(API_CLIENT);
  private readonly router = inject(Router);
  private readonly endListeners = new Set<() => void>();

  private readonly current = signal<Session | null>(this.read());
  private readonly lastEnd = signal<SessionEndReason | null>(null);

  readonly session = this.current.asReadonly();
  readonly user = computed(() => this.current()?.user ?? null);
  readonly token = computed(() => this.current()?.token ?? null);
  readonly isLoggedIn = computed(() => this.current() !== null);
  readonly endReason = this.lastEnd.asReadonly();

  /**
   * Checks a stored session with the gateway (GET /api/auth/me). A refused token is dropped; when
   * the gateway cannot be reached the stored session is kept, and the next call decides.
   */
  async restore(): Promise<void> {
    const session = this.current();
    if (!session) return;
    const { data, response } = await me({ client: this.api, auth: session.token });
    if (data && response?.ok) {
      this.set({ ...session, user: data });
    } else if (response?.status === 401) {
      this.clear();
    }
  }

  /** true until the first admin exists (GET /api/auth/status). */
  async needsSetup(): Promise<boolean> {
    return (await this.setupStatus())?.needsSetup ?? false;
  }

  /** Whether set-up is pending and needs the set-up code; null when the gateway cannot be reached. */
  async setupStatus(): Promise<AuthStatusResponseDto | null> {
    const { data } = await authStatus({ client: this.api });
    return data ?? null;
  }

  async login(credentials: LoginDto): Promise<AuthResult> {
    const { data, error } = await login({ client: this.api, body: credentials });
    return this.startFrom(data, error, 'Login failed; please try again.');
  }

  /** Creates the first admin; the gateway answers with a session, as a login does. */
  async setup(credentials: SetupDto): Promise<AuthResult> {
    const { data, error } = await setup({ client: this.api, body: credentials });
    return this.startFrom(data, error, 'Set-up failed; please try again.');
  }

  /** Ends the session here at once, revokes it on the gateway, then shows the login page. */
  async logout(): Promise<void> {
    const session = this.current();
    if (!session) return;
    this.end('logout');
    await logout({ client: this.api, auth: session.token });
    await this.router.navigateByUrl('/login');
  }

  /** The gateway refused our token (HTTP 401 or WebSocket 4401): back to the login page. */
  expire(): void {
    if (!this.current()) return;
    this.end('expired');
    // Before the first navigation the route guards send the user to the login page anyway.
    if (this.router.navigated) void this.router.navigateByUrl('/login');
  }

  /** Calls `listener` whenever a session ends; returns the unsubscribe function. */
  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private startFrom(data: LoginResponseDto | undefined, error: unknown, fallback: string): AuthResult {
    if (!data?.token) return { ok: false, message: apiErrorMessage(error, fallback) };
    this.set({ token: data.token, expiresAt: data.expiresAt, user: data.user });
    this.lastEnd.set(null);
    return { ok: true };
  }

  private end(reason: SessionEndReason): void {
    this.clear();
    this.lastEnd.set(reason);
    for (const listener of [...this.endListeners]) listener();
  }

  private set(session: Session): void {
    this.current.set(session);
    this.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  }

  private clear(): void {
    this.current.set(null);
    this.storage.removeItem(SESSION_STORAGE_KEY);
  }

  private read(): Session | null {
    try {
      const raw = this.storage.getItem(SESSION_STORAGE_KEY);
      if (!raw) return null;
      const session = JSON.parse(raw) as Partial<Session>;
      const valid =
        typeof session.token === 'string' &&
        typeof session.expiresAt === 'string' &&
        typeof session.user?.username === 'string' &&
        Date.parse(session.expiresAt) > Date.now();
      if (valid) return session as Session;
    } catch {
      // Unreadable: treated as no session.
    }
    this.storage.removeItem(SESSION_STORAGE_KEY);
    return null;
  }
}
