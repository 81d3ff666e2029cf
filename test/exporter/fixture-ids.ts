/** Ids and names of the hand-made org (fixtures.ts), shared by its parts. */
export const ORG_ID = '9f1c2a00-1111-4a4a-8888-0123456789ab';
export const SITE = {
  hub: 'a1b2c3d4-0000-4000-8000-000000000001',
  store1: 'a1b2c3d4-0000-4000-8000-000000000002',
  store2: 'a1b2c3d4-0000-4000-8000-000000000003',
  empty: 'a1b2c3d4-0000-4000-8000-000000000004',
};
export const TEMPLATE_ID = '70000000-0000-4000-8000-000000000010';
export const PROFILE_ID = '80000000-0000-4000-8000-000000000020';
export const GW = {
  hub: { id: '00000000-0000-0000-1000-aabbcc000001', mac: 'aabbcc000001' },
  store1: { id: '00000000-0000-0000-1000-aabbcc000002', mac: 'aabbcc000002' },
  store2: { id: '00000000-0000-0000-1000-aabbcc000003', mac: 'aabbcc000003' },
  basic: { id: '00000000-0000-0000-1000-aabbcc000004', mac: 'aabbcc000004' },
};
/** Not in the org at all. */
export const UNKNOWN_GW = { id: '00000000-0000-0000-1000-ffffff000009', mac: 'ffffff000009' };

export const HOSTILE = 'evil "quoted" \\ back\\slash\nnew line <script>alert(1)</script> & \u0007bell';
export const STORE2_NAME = 'store0002-gw "west" \\ <b>';
