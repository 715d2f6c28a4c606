import { describe, expect, it } from 'vitest';
import { netboxHostOf, netboxWorkload } from '../../src/inventory/netbox/netbox-workload.js';
import { isOlder, parseNetboxDelivery } from '../../src/inventory/netbox/parse-netbox-delivery.js';

const vm = {
  id: 7,
  parent: null,
  data: {
    id: 7,
    name: 'db-7',
    status: { value: 'active' },
    cluster: { name: 'cluster-a' },
    device: null,
    tenant: { name: 'Payments' },
    platform: { name: 'debian-12' },
    tags: [{ name: 'Tier DB', slug: 'tier-db' }, 'pci'],
    custom_fields: { owner: 'team-b', replicas: 3, primary: true, empty: '', none: null },
  },
};

describe('NetBox mapping', () => {
  it('maps a VM with its interfaces and addresses, dropping prefix lengths', () => {
    const interfaces = [
      { id: 21, parent: 7, data: { id: 21, primary_mac_address: { mac_address: 'AA:BB:CC:DD:EE:01' } } },
      { id: 20, parent: 7, data: { id: 20 } },
    ];
    const addresses = [
      { id: 30, parent: 20, data: { address: '10.1.0.7/24' } },
      { id: 31, parent: 20, data: { address: '2001:db8:0:0::7/64' } },
      { id: 32, parent: 21, data: { address: 'not-an-ip' } },
    ];
    expect(netboxHostOf(vm)).toBe('cluster-a');
    expect(netboxWorkload(vm, interfaces, addresses, 'hv-1')).toEqual({
      id: 'netbox-vm-7',
      name: 'db-7',
      hypervisor: 'hv-1',
      os: 'debian-12',
      vnics: [
        { id: 'netbox-if-20', ips: ['10.1.0.7', '2001:db8::7'] },
        { id: 'netbox-if-21', mac: 'aa:bb:cc:dd:ee:01', ips: [] },
      ],
      tags: ['pci', 'tier-db'],
      attributes: {
        owner: 'team-b',
        replicas: '3',
        primary: 'true',
        'netbox.cluster': 'cluster-a',
        'netbox.status': 'active',
        'netbox.tenant': 'Payments',
      },
    });
  });

  it('maps no VM to no workload', () => {
    expect(netboxWorkload(null, [], [], 'hv-1')).toBeNull();
  });
});

describe('NetBox delivery parsing', () => {
  const base = { event: 'created', timestamp: '2026-07-12T07:59:53.594467+00:00', data: { id: 5 } };

  it('reads object_type and the older model key, and the parent of interfaces and addresses', () => {
    const legacy = parseNetboxDelivery({
      ...base,
      model: 'vminterface',
      data: { id: 5, virtual_machine: { id: 2 } },
    });
    expect(legacy).toMatchObject({
      ok: true,
      delivery: { objectType: 'virtualization.vminterface', parent: 2 },
    });
    const ip = parseNetboxDelivery({
      ...base,
      object_type: 'ipam.ipaddress',
      data: {
        id: 5,
        assigned_object_type: 'virtualization.vminterface',
        assigned_object_id: 9,
        assigned_object: { id: 9, virtual_machine: { id: 2 } },
      },
    });
    expect(ip).toMatchObject({ ok: true, delivery: { parent: 9, vmHint: 2 } });
  });

  it('names what is wrong with a body that is not a delivery', () => {
    expect(parseNetboxDelivery([])).toMatchObject({ ok: false });
    expect(parseNetboxDelivery({ ...base, event: 'exploded', object_type: 'x' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('body.event'),
    });
    expect(parseNetboxDelivery(base)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('object_type'),
    });
  });

  it('orders timestamps to the microsecond', () => {
    expect(isOlder('2026-07-12T07:59:53.594466+00:00', '2026-07-12T07:59:53.594467+00:00')).toBe(true);
    expect(isOlder('2026-07-12T07:59:53.594467+00:00', '2026-07-12T07:59:53.594467+00:00')).toBe(false);
    expect(isOlder('2026-07-12T09:59:53+02:00', '2026-07-12T07:59:54Z')).toBe(true);
  });
});
