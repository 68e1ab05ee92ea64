import Taro from '@tarojs/taro';
import { TOKEN_KEY, getPendingPrivacyVersion, getToken, setPendingPrivacyVersion } from '../../src/services/session';
import { devLogin, listDevIdentities, logout } from '../../src/services/auth';
import { agreePrivacy, getMe, updateProfile } from '../../src/services/me';
import { getPrivacyGuide } from '../../src/services/privacy';
import { getRegion, listRegions, listSchools, listStations } from '../../src/services/registry';
import { createInvitation, listInvitations, redeemInvitation } from '../../src/services/invitations';
import { newIdempotencyKey } from '../../src/services/idempotency';
import { must, withBackend } from './backend-process';

withBackend();

beforeEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

describe('services against the real backend', () => {
  it('reads the public privacy guide', async () => {
    const guide = must(await getPrivacyGuide());
    expect(guide.version).toBeTruthy();
    expect(guide.title).toContain('隐私');
    expect(guide.sections.length).toBeGreaterThan(0);
  });

  it('lists the development identities', async () => {
    const keys = must(await listDevIdentities()).identities.map((i) => i.key);
    expect(keys).toEqual(expect.arrayContaining(['parent', 'psychologist', 'station', 'federation', 'admin']));
  });

  it('logs in, reads and edits the profile, agrees to the guide, logs out', async () => {
    const login = must(await devLogin('parent'));
    expect(getToken()).toBe(login.token);
    const me = must(await getMe());
    expect(me.user.displayName).toBeTruthy();
    expect(Array.isArray(me.children)).toBe(true);

    must(await updateProfile({ displayName: '测试家长' }));
    expect(must(await getMe()).user.displayName).toBe('测试家长');

    const version = must(await getPrivacyGuide()).version;
    must(await agreePrivacy(version));
    const privacy = must(await getMe()).privacy;
    expect(privacy.agreedVersion).toBe(version);
    expect(privacy.agreedAt).toBeTruthy();

    must(await logout());
    expect(getToken()).toBeNull();
    const after = await getMe();
    expect(after.ok).toBe(false);
    if (!after.ok) {
      expect(after.error.status).toBe(401);
      expect(after.error.message).toBeTruthy();
    }
  });

  it('posts a privacy agreement remembered while logged out right after login', async () => {
    const version = must(await getPrivacyGuide()).version;
    setPendingPrivacyVersion(version);
    const login = must(await devLogin('psychologist'));
    expect(login.me.privacy.agreedVersion).toBe(version);
    expect(getPendingPrivacyVersion()).toBeNull();
    expect(must(await getMe()).privacy.agreedVersion).toBe(version);
  });

  it('clears a token the server does not accept', async () => {
    Taro.setStorageSync(TOKEN_KEY, 'not-a-real-token');
    const result = await getMe();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['TOKEN_INVALID', 'UNAUTHENTICATED']).toContain(result.error.code);
    expect(getToken()).toBeNull();
  });

  it('browses the registry as admin', async () => {
    must(await devLogin('admin'));
    const provinces = must(await listRegions()).regions;
    expect(provinces.length).toBeGreaterThan(0);
    const detail = must(await getRegion(provinces[0].id));
    expect(detail.region.id).toBe(provinces[0].id);
    const children = must(await listRegions(provinces[0].id)).regions;
    expect(children.map((r) => r.id).sort()).toEqual(detail.children.map((r) => r.id).sort());
    expect(Array.isArray(must(await listSchools(provinces[0].id)).schools)).toBe(true);
    expect(Array.isArray(must(await listStations(provinces[0].id)).stations)).toBe(true);
    const missing = await getRegion('00000000-0000-0000-0000-000000000000');
    expect(missing.ok).toBe(false);
  });

  it('creates an invitation that another user redeems once', async () => {
    must(await devLogin('admin'));
    const provinces = must(await listRegions()).regions;
    const created = must(
      await createInvitation({ role: 'federation_staff', scopeType: 'region', scopeId: provinces[0].id, expiresInDays: 7, note: '服务测试' }, newIdempotencyKey()),
    );
    expect(created.code).toBeTruthy();
    expect(created.invitation.status).toBe('open');
    const listed = must(await listInvitations()).invitations;
    expect(listed.map((i) => i.id)).toContain(created.invitation.id);

    must(await devLogin('parent'));
    expect(must(await listInvitations()).invitations.map((i) => i.id)).not.toContain(created.invitation.id);
    const notAdmin = await createInvitation({ role: 'admin', scopeType: 'platform', scopeId: null, expiresInDays: 1 }, newIdempotencyKey());
    expect(notAdmin.ok === false && notAdmin.error.status).toBe(403);
    must(await agreePrivacy(must(await getPrivacyGuide()).version));
    must(await redeemInvitation(created.code, newIdempotencyKey()));
    const roles = must(await getMe()).roles;
    expect(roles.some((r) => r.role === 'federation_staff' && r.scopeId === provinces[0].id)).toBe(true);

    const again = await redeemInvitation(created.code, newIdempotencyKey());
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('INVITATION_USED');
  });

  it('rejects an unknown invitation code with a Chinese message', async () => {
    must(await devLogin('station'));
    const result = await redeemInvitation('NO-SUCH-CODE', newIdempotencyKey());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVITATION_INVALID');
      expect(result.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
});
