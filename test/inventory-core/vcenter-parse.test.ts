import { describe, expect, it } from 'vitest';
import {
  parseVcenterDelivery,
  type VcenterDelivery,
  type VcenterEvent,
} from '../../src/inventory/vcenter/index.js';
import {
  binaryDelivery,
  structuredDelivery,
  variant,
  vcenterFile,
  vcenterFiles,
} from './vcenter-fixtures.js';

function parsed(delivery: VcenterDelivery): VcenterEvent {
  const result = parseVcenterDelivery(delivery);
  if (!result.ok) throw new Error(result.error.message);
  return result.event;
}

function issue(delivery: VcenterDelivery) {
  const result = parseVcenterDelivery(delivery);
  if (result.ok) throw new Error(`parsed ${result.event.eventClass}`);
  expect(result.error.message.startsWith(`${result.error.field}: `)).toBe(true);
  return result.error;
}

const expected: Record<string, Omit<VcenterEvent, 'mode'>> = {
  'veba-VmMigratedEvent.cloudevent.json': {
    format: 'vsphere',
    id: '5636626',
    source: 'https://vcenter.local/sdk',
    type: 'com.vmware.vsphere.VmMigratedEvent.v0',
    eventClass: 'VmMigratedEvent',
    subject: undefined,
    time: '2021-08-10T18:20:24.042999Z',
    vm: { name: 'TestVM-01', moref: 'vm-15161' },
    host: { name: '192.168.30.100', moref: 'host-15147' },
    sourceHost: { name: '192.168.30.101', moref: 'host-15150' },
  },
  'veba-VmPoweredOnEvent.cloudevent.json': {
    format: 'vsphere',
    id: '16957210',
    source: 'https://vcsa.mydomain.com/sdk',
    type: 'com.vmware.vsphere.VmPoweredOnEvent.v0',
    eventClass: 'VmPoweredOnEvent',
    subject: undefined,
    time: '2023-11-27T10:04:51.302999Z',
    vm: { name: 'vm1', moref: 'vm-81' },
    host: { name: 'esx01.mydomain.com', moref: 'host-15' },
    sourceHost: undefined,
  },
  'veba-VmRemovedEvent.cloudevent.json': {
    format: 'vsphere',
    id: '2040013',
    source: 'https://vcenter.local/sdk',
    type: 'com.vmware.vsphere.VmRemovedEvent.v0',
    eventClass: 'VmRemovedEvent',
    subject: undefined,
    time: '2021-04-23T20:21:02.277Z',
    vm: { name: 'FooBar', moref: 'vm-10838' },
    host: { name: '192.168.30.5', moref: 'host-11' },
    sourceHost: undefined,
  },
  'legacy-event-router-VmPoweredOffEvent.cloudevent.json': {
    format: 'event-router',
    id: '08179137-b8e0-4973-b05f-8f212bf5003b',
    source: 'https://10.0.0.1:443/sdk',
    type: 'com.vmware.event.router/event',
    eventClass: 'VmPoweredOffEvent',
    subject: 'VmPoweredOffEvent',
    time: '2020-02-11T21:29:54.9052539Z',
    vm: { name: 'test-01', moref: 'vm-56' },
    host: { name: '10.185.22.74', moref: 'host-21' },
    sourceHost: undefined,
  },
};

describe('the stored VEBA deliveries', () => {
  it('covers every file', () => {
    expect(vcenterFiles.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const file of Object.keys(expected)) {
    it(`${file} in structured mode, as stored`, () => {
      expect(parsed(structuredDelivery(vcenterFile(file)))).toEqual({
        mode: 'structured',
        ...expected[file],
      });
    });

    it(`${file} in binary mode`, () => {
      expect(parsed(binaryDelivery(vcenterFile(file)))).toEqual({ mode: 'binary', ...expected[file] });
    });
  }

  it('reads a structured event posted as plain application/json', () => {
    const body = vcenterFile('veba-VmMigratedEvent.cloudevent.json');
    expect(parsed({ headers: { 'content-type': 'application/json' }, body }).mode).toBe('structured');
    expect(parsed({ headers: {}, body }).eventClass).toBe('VmMigratedEvent');
  });

  it('reads the legacy event-router format in binary mode, the class in ce-subject', () => {
    const event = parsed(
      binaryDelivery(vcenterFile('legacy-event-router-VmPoweredOffEvent.cloudevent.json')),
    );
    expect([event.format, event.eventClass]).toEqual(['event-router', 'VmPoweredOffEvent']);
  });

  it('decodes percent-encoded binary headers and falls back to CreatedTime without ce-time', () => {
    const delivery = binaryDelivery(vcenterFile('veba-VmRemovedEvent.cloudevent.json'));
    delete delivery.headers['ce-time'];
    const event = parsed({ ...delivery, headers: { ...delivery.headers, 'ce-id': 'a%20b%C3%A9' } });
    expect([event.id, event.time]).toEqual(['a bé', '2021-04-23T20:21:02.277Z']);
  });

  it('reads data_base64', () => {
    const envelope = JSON.parse(vcenterFile('veba-VmRemovedEvent.cloudevent.json'));
    const { data, ...rest } = envelope;
    const body = JSON.stringify({
      ...rest,
      data_base64: Buffer.from(JSON.stringify(data)).toString('base64'),
    });
    expect(parsed(structuredDelivery(body)).vm).toEqual({ name: 'FooBar', moref: 'vm-10838' });
  });

  it('keeps EventEx classes and tolerates events that name no VM', () => {
    const body = variant(
      'veba-VmRemovedEvent.cloudevent.json',
      'com.vmware.vc.HA.ClusterFailoverActionCompletedEvent',
      (d) => {
        d.Vm = null;
        d.Host = null;
      },
    );
    const event = parsed(structuredDelivery(body));
    expect([event.eventClass, event.vm, event.host]).toEqual([
      'com.vmware.vc.HA.ClusterFailoverActionCompletedEvent',
      undefined,
      undefined,
    ]);
  });

  it('reads a VM known by name only or by moref only', () => {
    const byName = variant('veba-VmMigratedEvent.cloudevent.json', 'VmMigratedEvent', (d) => {
      d.Vm = { Name: 'TestVM-01', Vm: null };
    });
    expect(parsed(structuredDelivery(byName)).vm).toEqual({ name: 'TestVM-01', moref: undefined });
    const byMoref = variant('veba-VmMigratedEvent.cloudevent.json', 'VmMigratedEvent', (d) => {
      d.Vm = { Vm: { Type: 'VirtualMachine', Value: 'vm-15161' } };
    });
    expect(parsed(structuredDelivery(byMoref)).vm).toEqual({ name: undefined, moref: 'vm-15161' });
  });
});

describe('what is not a vCenter event is an issue naming the field', () => {
  const migrated = vcenterFile('veba-VmMigratedEvent.cloudevent.json');
  const envelope = () => JSON.parse(migrated) as Record<string, unknown> & { data: Record<string, unknown> };
  const withEnvelope = (edit: (e: ReturnType<typeof envelope>) => void) => {
    const e = envelope();
    edit(e);
    return structuredDelivery(JSON.stringify(e));
  };
  const binaryWith = (edit: (h: Record<string, string>) => void, body?: string) => {
    const delivery = binaryDelivery(migrated);
    edit(delivery.headers);
    return { headers: delivery.headers, body: body ?? delivery.body };
  };

  const cases: [string, VcenterDelivery, string][] = [
    ['a body that is not JSON', structuredDelivery('{"id": '), 'body'],
    ['a JSON array', structuredDelivery('[]'), 'body'],
    ['an empty body', structuredDelivery(''), 'body'],
    [
      'JSON without any CloudEvent',
      { headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      'headers.ce-id',
    ],
    [
      'batch mode',
      { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: '[]' },
      'headers.content-type',
    ],
    ['a missing id', withEnvelope((e) => delete e.id), 'body.id'],
    ['a numeric id', withEnvelope((e) => (e.id = 5636626)), 'body.id'],
    ['an empty id', withEnvelope((e) => (e.id = '')), 'body.id'],
    ['a missing source', withEnvelope((e) => delete e.source), 'body.source'],
    ['a missing type', withEnvelope((e) => delete e.type), 'body.type'],
    ['a foreign type', withEnvelope((e) => (e.type = 'dev.knative.sources.ping')), 'body.type'],
    ['another spec version', withEnvelope((e) => (e.specversion = '2.0')), 'body.specversion'],
    ['a time that is no timestamp', withEnvelope((e) => (e.time = 'yesterday')), 'body.time'],
    ['missing data', withEnvelope((e) => delete (e as Record<string, unknown>).data), 'body.data'],
    ['data that is a string', withEnvelope((e) => ((e as Record<string, unknown>).data = '{}')), 'body.data'],
    [
      'bad data_base64',
      withEnvelope((e) => {
        delete (e as Record<string, unknown>).data;
        e.data_base64 = '%%%';
      }),
      'body.data_base64',
    ],
    ['Vm that is a string', withEnvelope((e) => (e.data.Vm = 'vm-1')), 'body.data.Vm'],
    ['Vm.Name that is a number', withEnvelope((e) => (e.data.Vm = { Name: 7 })), 'body.data.Vm.Name'],
    ['Vm.Vm that is an array', withEnvelope((e) => (e.data.Vm = { Name: 'x', Vm: [] })), 'body.data.Vm.Vm'],
    [
      'Vm.Vm.Value that is an object',
      withEnvelope((e) => (e.data.Vm = { Vm: { Value: {} } })),
      'body.data.Vm.Vm.Value',
    ],
    ['a migration without a VM', withEnvelope((e) => (e.data.Vm = null)), 'body.data.Vm'],
    [
      'a migration of an empty VM',
      withEnvelope((e) => (e.data.Vm = { Name: '', Vm: { Value: '' } })),
      'body.data.Vm',
    ],
    ['a migration without a host', withEnvelope((e) => delete e.data.Host), 'body.data.Host'],
    [
      'Host.Host.Value that is a number',
      withEnvelope((e) => (e.data.Host = { Host: { Value: 15147 } })),
      'body.data.Host.Host.Value',
    ],
    ['SourceHost that is a number', withEnvelope((e) => (e.data.SourceHost = 1)), 'body.data.SourceHost'],
    ['CreatedTime that is a number', withEnvelope((e) => (e.data.CreatedTime = 1)), 'body.data.CreatedTime'],
    ['binary mode without ce-source', binaryWith((h) => delete h['ce-source']), 'headers.ce-source'],
    ['binary mode without ce-id', binaryWith((h) => delete h['ce-id']), 'headers.ce-id'],
    [
      'binary mode with a bad percent-encoding',
      binaryWith((h) => (h['ce-id'] = '%E0%A4%A')),
      'headers.ce-id',
    ],
    ['binary mode with a bad ce-time', binaryWith((h) => (h['ce-time'] = '2021-08-10')), 'headers.ce-time'],
    ['binary mode with a body that is not JSON', binaryWith(() => {}, 'Vm=1'), 'body'],
    ['binary mode with an array body', binaryWith(() => {}, '[{}]'), 'body'],
    [
      'binary mode whose VM has no moref nor name',
      binaryWith(() => {}, '{"Vm":{"Vm":{}},"Host":{"Name":"h"}}'),
      'body.Vm',
    ],
    [
      'the event router without a subject',
      binaryWith((h) => {
        h['ce-type'] = 'com.vmware.event.router/event';
      }),
      'headers.ce-subject',
    ],
    [
      'the event router with a subject that is no event class',
      binaryWith((h) => {
        h['ce-type'] = 'com.vmware.event.router/event';
        h['ce-subject'] = 'vm moved!';
      }),
      'headers.ce-subject',
    ],
  ];

  for (const [what, delivery, field] of cases)
    it(`${what} → ${field}`, () => {
      expect(issue(delivery).field).toBe(field);
    });

  it('never throws, whatever JSON arrives in the event fields', () => {
    const odd = [null, 0, 1.5, true, '', 'x', [], [1], {}, { Value: null }, { Name: [] }];
    for (const a of odd)
      for (const b of odd) {
        const body = JSON.stringify({
          ...envelope(),
          data: { Vm: a, Host: b, SourceHost: { Host: a, Name: b } },
        });
        expect(() => parseVcenterDelivery(structuredDelivery(body))).not.toThrow();
        expect(() =>
          parseVcenterDelivery({ headers: { 'ce-id': '1', 'ce-type': 'x' }, body: JSON.stringify(a) }),
        ).not.toThrow();
      }
  });

  it('does not take prototype members for fields', () => {
    const body = JSON.stringify({ ...envelope(), data: { Vm: { Name: 'x' }, Host: { Name: 'h' } } });
    const headers = Object.create({ 'ce-id': '1' }) as Record<string, string>;
    headers['content-type'] = 'application/json';
    expect(parsed({ headers, body: body }).mode).toBe('structured');
    expect(
      issue(
        structuredDelivery('{"specversion":"1.0","source":"s","type":"com.vmware.vsphere.X.v0","data":{}}'),
      ).field,
    ).toBe('body.id');
    expect(
      issue(structuredDelivery('{"__proto__":{"id":"1"},"source":"s","type":"t","data":{}}')).field,
    ).toBe('body.id');
  });
});
