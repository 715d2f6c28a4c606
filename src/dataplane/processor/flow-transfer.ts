import { NO_RULE } from '../codec/index.js';
import { FLOW_RECORD_BYTES } from '../conntrack/index.js';
import { FLOW_OPENED_IN, flowRuleHandle } from './flow-rule-word.js';
import type { RuleRef } from './rule-handles.js';

/** Offset of the rule word in a flow record (see conntrack/flow-record.ts). */
const RULE_OFFSET = 52;

/**
 * Flows on their way to another hypervisor. Rule handles are local to one data plane, so each record's
 * rule word holds an index into `rules` instead (bit 31, the opening direction, is kept).
 */
export interface FlowTransfer {
  records: ArrayBuffer;
  rules: RuleRef[];
}

function rewriteRules(records: Uint8Array, map: (handle: number) => number): void {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let off = 0; off < records.byteLength; off += FLOW_RECORD_BYTES) {
    const word = view.getUint32(off + RULE_OFFSET, true);
    if (word === NO_RULE) continue;
    const mapped = map(flowRuleHandle(word));
    view.setUint32(
      off + RULE_OFFSET,
      mapped === NO_RULE ? NO_RULE : (mapped | (word & FLOW_OPENED_IN)) >>> 0,
      true,
    );
  }
}

export function packTransfer(
  parts: ArrayBuffer[],
  ref: (handle: number) => RuleRef | undefined,
): FlowTransfer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const records = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    records.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  const rules: RuleRef[] = [];
  const index = new Map<number, number>();
  rewriteRules(records, (handle) => {
    let i = index.get(handle);
    if (i === undefined) {
      const r = ref(handle);
      if (!r) return NO_RULE;
      i = rules.push(r) - 1;
      index.set(handle, i);
    }
    return i;
  });
  return { records: records.buffer, rules };
}

/** The transfer's records with rule indices turned into this data plane's handles. */
export function unpackTransfer(t: FlowTransfer, intern: (ref: RuleRef) => number): Uint8Array {
  const records = new Uint8Array(t.records.slice(0));
  const handles = t.rules.map(intern);
  rewriteRules(records, (i) => handles[i] ?? NO_RULE);
  return records;
}
