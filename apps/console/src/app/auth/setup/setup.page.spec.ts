import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../../testing/fake-gateway';
import { SessionStore } from '../../core/session/session.store';
import { SetupPage } from './setup.page';

describe('SetupPage', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    await TestBed.inject(Router).navigateByUrl('/setup');
  });

  async function submit(username: string, password: string, confirm: string) {
    const fixture = TestBed.createComponent(SetupPage);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    const inputs = Array.from(root.querySelectorAll('input'));
    [username, password, confirm].forEach((value, i) => {
      inputs[i]!.value = value;
      inputs[i]!.dispatchEvent(new Event('input'));
    });
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await fixture.whenStable();
    return root;
  }

  it('creates the admin and opens the console with the returned session', async () => {
    gateway.http.on('POST /api/auth/setup', { status: 201, body: loginResponse({ token: 'first' }) });
    await submit('admin', 'correct horse battery', 'correct horse battery');

    expect(gateway.http.last('POST /api/auth/setup')?.body).toEqual({
      username: 'admin',
      password: 'correct horse battery',
    });
    expect(TestBed.inject(SessionStore).token()).toBe('first');
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('asks for no set-up code when the gateway does not want one', async () => {
    gateway.http.on('GET /api/auth/status', { status: 200, body: { needsSetup: true, setupCodeRequired: false } });
    gateway.http.on('POST /api/auth/setup', { status: 201, body: loginResponse({ token: 'first' }) });
    const root = await submit('admin', 'correct horse battery', 'correct horse battery');
    expect(gateway.http.last('GET /api/auth/status')).toBeDefined();
    expect(root.querySelector('[data-testid=setup-code]')).toBeNull();
    expect(gateway.http.last('POST /api/auth/setup')?.body).not.toHaveProperty('setupCode');
  });

  describe('when the gateway needs a set-up code', () => {
    beforeEach(() => {
      gateway.http.on('GET /api/auth/status', { status: 200, body: { needsSetup: true, setupCodeRequired: true } });
    });

    async function openForm() {
      const fixture = TestBed.createComponent(SetupPage);
      const root = fixture.nativeElement as HTMLElement;
      await vi.waitFor(() => expect(root.querySelector('[data-testid=setup-code]')).not.toBeNull());
      await fixture.whenStable();
      const fill = (values: string[]) => {
        const inputs = Array.from(root.querySelectorAll('input'));
        values.forEach((value, i) => {
          inputs[i]!.value = value;
          inputs[i]!.dispatchEvent(new Event('input'));
        });
      };
      const submitForm = async () => {
        root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
        await fixture.whenStable();
      };
      return { root, fill, submitForm };
    }

    it('shows the code field, saying where to find the code, and sends it', async () => {
      gateway.http.on('POST /api/auth/setup', { status: 201, body: loginResponse({ token: 'first' }) });
      const { root, fill, submitForm } = await openForm();
      const field = root.querySelector('[data-testid=setup-code]')!.closest('mat-form-field')!;
      expect(field.textContent).toContain('Set-up code');
      expect(field.textContent).toContain("Printed in the gateway's log at start, or the SETUP_TOKEN you set");

      fill(['admin', 'correct horse battery', 'correct horse battery', ' K7QM-3XWP-HT9D ']);
      await submitForm();
      expect(gateway.http.last('POST /api/auth/setup')?.body).toEqual({
        username: 'admin',
        password: 'correct horse battery',
        setupCode: 'K7QM-3XWP-HT9D',
      });
      expect(TestBed.inject(SessionStore).token()).toBe('first');
    });

    it('requires the code before calling the gateway', async () => {
      const { root, fill, submitForm } = await openForm();
      fill(['admin', 'correct horse battery', 'correct horse battery']);
      await submitForm();
      expect(gateway.http.last('POST /api/auth/setup')).toBeUndefined();
      expect(root.textContent).toContain("Enter the set-up code from the gateway's log");
    });

    it("shows the gateway's message for a wrong code", async () => {
      gateway.http.on('POST /api/auth/setup', {
        status: 403,
        body: {
          statusCode: 403,
          message: "setupCode is wrong: it is printed in the gateway's log at start, or is the SETUP_TOKEN you set",
          error: 'Forbidden',
        },
      });
      const { root, fill, submitForm } = await openForm();
      fill(['admin', 'correct horse battery', 'correct horse battery', 'AAAA-BBBB-CCCC']);
      await submitForm();
      await vi.waitFor(() =>
        expect(root.querySelector('[data-testid=form-error]')?.textContent?.trim()).toBe(
          "setupCode is wrong: it is printed in the gateway's log at start, or is the SETUP_TOKEN you set",
        ),
      );
      expect(TestBed.inject(SessionStore).isLoggedIn()).toBe(false);
    });
  });

  it("shows the API's 400 messages", async () => {
    gateway.http.on('POST /api/auth/setup', {
      status: 400,
      body: { statusCode: 400, message: ['password must be at least 10 characters long'], error: 'Bad Request' },
    });
    const root = await submit('admin', 'short', 'short');
    expect(root.querySelector('[data-testid=form-error]')?.textContent?.trim()).toBe(
      'password must be at least 10 characters long',
    );
    expect(TestBed.inject(SessionStore).isLoggedIn()).toBe(false);
  });

  it('refuses a confirmation that does not match, without calling the API', async () => {
    const root = await submit('admin', 'correct horse battery', 'correct horse batery');
    expect(gateway.http.last('POST /api/auth/setup')).toBeUndefined();
    expect(root.textContent).toContain('The passwords do not match');
  });
});
