import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { agentGroup } from '../../testing/fixtures';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { GroupsStore } from './groups.store';

describe('GroupsStore', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: [...gateway.providers, GroupsStore] });
    gateway.http.on('GET /api/channels', { status: 200, body: [] });
  });

  it('keeps a group created while the list was on its way (the list is fetched again)', async () => {
    const store = TestBed.inject(GroupsStore);
    const defaultGroup = agentGroup({ id: 'g0', name: 'Default', isDefault: true });
    const support = agentGroup({ id: 'g1', name: 'Support' });
    let fetches = 0;
    gateway.http.on('GET /api/agent-groups', () => {
      fetches += 1;
      // The dialog's new group lands while the first answer (made before it existed) is on its way.
      if (fetches === 1) void store.saved(support);
      return { status: 200, body: fetches === 1 ? [defaultGroup] : [defaultGroup, support] };
    });
    await store.load();
    expect(store.groups().map((group) => group.name)).toEqual(['Default', 'Support']);
    expect(fetches).toBe(2);
  });
});
