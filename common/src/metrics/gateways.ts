/** Gateway and organization families. */
import { gauge } from './family.js';
import { GATEWAY_INFO_LABELS, GATEWAY_LABELS, LABELS } from './labels.js';

const ORG = [LABELS.orgId];

export const GATEWAY_FAMILIES = {
  gatewayConnected: gauge(
    'mist_gateway_connected',
    '',
    '1 if Mist reports the gateway as connected.',
    GATEWAY_LABELS,
  ),
  gatewayUptime: gauge(
    'mist_gateway_uptime_seconds',
    'seconds',
    'Seconds since the gateway last booted.',
    GATEWAY_LABELS,
  ),
  gatewayInfo: gauge('mist_gateway_info', '', 'Model, version, IP and status of a gateway; always 1.', [
    ...GATEWAY_LABELS,
    ...GATEWAY_INFO_LABELS,
  ]),
  orgInfo: gauge('mist_org_info', '', 'The Mist organization this exporter reports on; always 1.', [
    LABELS.orgId,
    LABELS.orgName,
  ]),
  orgSites: gauge('mist_org_sites', '', 'Number of sites in the organization.', ORG),
  orgGatewayTemplates: gauge(
    'mist_org_gateway_templates',
    '',
    'Gateway templates held in the config cache.',
    ORG,
  ),
  orgDeviceProfiles: gauge(
    'mist_org_device_profiles',
    '',
    'Device profiles (hub profiles) held in the config cache.',
    ORG,
  ),
} as const;
