import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';
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
    expect(gateway.http.requests).toEqual([]);
    expect(root.textContent).toContain('The passwords do not match');
  });
});
