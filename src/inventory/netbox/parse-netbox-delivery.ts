export const NETBOX_VM = 'virtualization.virtualmachine';
export const NETBOX_INTERFACE = 'virtualization.vminterface';
export const NETBOX_ADDRESS = 'ipam.ipaddress';

/** Before v4.4 NetBox sent the bare model name under `model`. */
const LEGACY_MODELS: Record<string, string> = {
  virtualmachine: NETBOX_VM,
  vminterface: NETBOX_INTERFACE,
  ipaddress: NETBOX_ADDRESS,
};

export interface NetboxDelivery {
  event: 'created' | 'updated' | 'deleted';
  objectType: string;
  id: number;
  timestamp: string;
  data: Record<string, unknown>;
  /** the VM of an interface, the interface of an address assigned to one; else null */
  parent: number | null;
  /** the VM an address names through its interface, to recompute before that interface is stored */
  vmHint: number | null;
}

export type ParsedNetbox = { ok: true; delivery: NetboxDelivery } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): number | null =>
  isObject(v) && Number.isSafeInteger(v.id) ? (v.id as number) : null;

/** A NetBox event-rule webhook body (default template), or why it is not one. */
export function parseNetboxDelivery(body: unknown): ParsedNetbox {
  if (!isObject(body)) return { ok: false, problem: 'body: not a JSON object' };
  const { event, timestamp, data } = body;
  if (event !== 'created' && event !== 'updated' && event !== 'deleted')
    return { ok: false, problem: 'body.event: must be created, updated or deleted' };
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp)))
    return { ok: false, problem: 'body.timestamp: must be an ISO 8601 time' };
  const type =
    typeof body.object_type === 'string'
      ? body.object_type
      : typeof body.model === 'string'
        ? (LEGACY_MODELS[body.model] ?? body.model)
        : null;
  if (type === null) return { ok: false, problem: 'body.object_type: required (or the older body.model)' };
  const id = idOf(data);
  if (!isObject(data) || id === null) return { ok: false, problem: 'body.data.id: required, an integer' };
  let parent: number | null = null;
  let vmHint: number | null = null;
  if (type === NETBOX_INTERFACE) parent = vmHint = idOf(data.virtual_machine);
  if (type === NETBOX_ADDRESS && data.assigned_object_type === NETBOX_INTERFACE) {
    parent = Number.isSafeInteger(data.assigned_object_id)
      ? (data.assigned_object_id as number)
      : idOf(data.assigned_object);
    vmHint = isObject(data.assigned_object) ? idOf(data.assigned_object.virtual_machine) : null;
  }
  return { ok: true, delivery: { event, objectType: type, id, timestamp, data, parent, vmHint } };
}

/** Whether `incoming` is older than `applied`; NetBox times carry microseconds, which Date drops. */
export function isOlder(incoming: string, applied: string): boolean {
  const a = Date.parse(incoming);
  const b = Date.parse(applied);
  if (a !== b) return a < b;
  const micros = (t: string) => /\.(\d+)/.exec(t)?.[1]?.padEnd(6, '0').slice(0, 6) ?? '000000';
  return micros(incoming) < micros(applied);
}
