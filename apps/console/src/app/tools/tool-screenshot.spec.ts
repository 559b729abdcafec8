import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { ToolScreenshot } from './tool-screenshot';

const ID = '0b7e2c4a-5f1d-4c3e-9a8b-1d2e3f4a5b6c';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('ToolScreenshot', () => {
  let gateway: FakeGateway;
  const created: Blob[] = [];
  const revoked: string[] = [];
  const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
    // jsdom has no object URLs.
    URL.createObjectURL = (blob: Blob) => (created.push(blob), `blob:screenshot-${created.length}`);
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
  });
  afterEach(() => {
    URL.createObjectURL = original.create;
    URL.revokeObjectURL = original.revoke;
    created.length = 0;
    revoked.length = 0;
  });

  function render() {
    const fixture = TestBed.createComponent(ToolScreenshot);
    fixture.componentRef.setInput('id', ID);
    return { fixture, root: fixture.nativeElement as HTMLElement };
  }

  it('fetches the screenshot through the API client and shows it, freeing it when gone', async () => {
    gateway.http.on(
      `GET /api/tools/screenshots/${ID}`,
      () => new Response(PNG, { headers: { 'content-type': 'image/png' } }),
    );
    const { fixture, root } = render();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=tool-screenshot]')?.getAttribute('src')).toBe('blob:screenshot-1');
    });
    expect(new Uint8Array(await created[0]!.arrayBuffer())).toEqual(PNG);
    fixture.destroy();
    expect(revoked).toEqual(['blob:screenshot-1']);
  });

  it('says when the screenshot is gone', async () => {
    const { root } = render();
    await vi.waitFor(() => {
      TestBed.tick();
      expect(root.querySelector('[data-testid=tool-screenshot-missing]')?.textContent).toContain('no longer available');
    });
    expect(created).toEqual([]);
  });
});
