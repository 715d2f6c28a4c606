import { ACTION, NO_RULE, PROTO_TCP, REASON, type PacketBatch, type VerdictBatch } from '../codec/index.js';
import {
  FLOW_STATEFUL,
  FLOW_TCP_STRICT,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  UNTRACKABLE,
  isIcmpEchoRequest,
  type ConntrackTable,
} from '../conntrack/index.js';
import type { FlowLog } from './flow-log.js';
import { flowRuleWord } from './flow-rule-word.js';
import type { RuleCounters } from './rule-counters.js';
import type { VnicState } from './tenant-state.js';

const OPENING_FLAGS = TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN;
/** insert result for packets that open no flow by design (ICMP other than an echo request) */
const NOT_TRACKED = -100;

/**
 * The packet path for packets of no known flow: first match over the vNIC's rule list for the
 * packet's direction, counters, flow creation for stateful allows, and the flow log.
 */
export class RuleDecision {
  readonly #conntrack: ConntrackTable;
  readonly #counters: RuleCounters;
  readonly #log: FlowLog;

  constructor(conntrack: ConntrackTable, counters: RuleCounters, log: FlowLog) {
    this.#conntrack = conntrack;
    this.#counters = counters;
    this.#log = log;
  }

  /** Decides packet `i` of `batch` into `out`; `now` is seconds, `nowMs` milliseconds. */
  decide(
    batch: PacketBatch,
    i: number,
    vnic: VnicState,
    now: number,
    nowMs: number,
    out: VerdictBatch,
  ): void {
    const tenant = vnic.tenant;
    const dir = batch.dir[i]!;
    const family = batch.family[i]!;
    const proto = batch.proto[i]!;
    const sport = batch.sport[i]!;
    const dport = batch.dport[i]!;
    const w = i << 2;
    const list = dir === 0 ? vnic.out : vnic.in;
    const index =
      family === 4
        ? list.match4(batch.src[w]!, batch.dst[w]!, proto, sport, dport)
        : list.match6(batch.src, w, batch.dst, w, proto, sport, dport);
    if (index < 0) {
      out.action[i] = tenant.defaultAction;
      out.reason[i] = REASON.default;
      out.rule[i] = NO_RULE;
      return;
    }
    const rule = tenant.rules[index]!;
    const handle = tenant.ruleHandles[index]!;
    this.#counters.hit(handle, batch.len[i]!, nowMs);
    let action: number = ACTION.drop;
    let reason: number = REASON.new;
    if (rule.action === 'reject') {
      action = ACTION.reject;
    } else if (rule.action === 'allow') {
      const flags = batch.flags[i]!;
      if (proto === PROTO_TCP && rule.tcpStrict && (flags & OPENING_FLAGS) !== TCP_SYN) {
        reason = REASON.invalid;
      } else {
        action = ACTION.allow;
        if (rule.stateful) {
          const opened = this.#open(batch, i, vnic, handle, rule.tcpStrict, now);
          if (opened >= 0) {
            this.#counters.session(handle);
          } else if (opened === UNTRACKABLE && rule.tcpStrict) {
            action = ACTION.drop;
            reason = REASON.invalid;
          }
        }
      }
    }
    out.action[i] = action;
    out.reason[i] = reason;
    out.rule[i] = handle;
    if (rule.log) {
      this.#log.append(
        nowMs,
        vnic.labelId,
        dir,
        family,
        proto,
        sport,
        dport,
        batch.src,
        batch.dst,
        i,
        action,
        reason,
        handle,
      );
    }
  }

  /** Inserts the flow packet `i` opens: a ref, TABLE_FULL, UNTRACKABLE or NOT_TRACKED. */
  #open(
    batch: PacketBatch,
    i: number,
    vnic: VnicState,
    handle: number,
    tcpStrict: boolean,
    now: number,
  ): number {
    const ct = this.#conntrack;
    const t = vnic.tenant.timeouts;
    const family = batch.family[i]!;
    const proto = batch.proto[i]!;
    const word = flowRuleWord(handle, batch.dir[i]!);
    const flowFlags = FLOW_STATEFUL | (tcpStrict ? FLOW_TCP_STRICT : 0);
    const w = i << 2;
    const { src, dst } = batch;
    if (proto === 1 || proto === 58) {
      if (!isIcmpEchoRequest(family === 4 ? 4 : 6, batch.sport[i]!)) return NOT_TRACKED;
      const id = batch.icmpId[i]!;
      return family === 4
        ? ct.insertEcho4(vnic.handle, proto, src[w]!, dst[w]!, id, now, t, word, flowFlags)
        : ct.insertEcho6(vnic.handle, proto, src, w, dst, w, id, now, t, word, flowFlags);
    }
    const sport = batch.sport[i]!;
    const dport = batch.dport[i]!;
    const flags = batch.flags[i]!;
    return family === 4
      ? ct.insert4(vnic.handle, proto, src[w]!, dst[w]!, sport, dport, flags, now, t, word, flowFlags)
      : ct.insert6(vnic.handle, proto, src, w, dst, w, sport, dport, flags, now, t, word, flowFlags);
  }
}
