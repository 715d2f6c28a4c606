import type { ConntrackTimeouts } from '../../policy/types.js';
import { FlowState } from './flow-state.js';

/**
 * Linux 6.x nf_conntrack defaults, seconds (the same values as src/policy/timeouts.ts, whose
 * effectiveTimeouts applies a tenant's overrides; callers pass that result per packet).
 */
export const DEFAULT_TIMEOUTS: Readonly<ConntrackTimeouts> = Object.freeze({
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 432000,
  tcpFinWait: 120,
  tcpCloseWait: 60,
  tcpLastAck: 30,
  tcpTimeWait: 120,
  tcpClose: 10,
  udpUnreplied: 30,
  udpAssured: 120,
  icmp: 30,
});

export function tcpTimeout(state: number, t: ConntrackTimeouts): number {
  switch (state) {
    case FlowState.ESTABLISHED:
      return t.tcpEstablished;
    case FlowState.SYN_SENT:
    case FlowState.SYN_SENT2:
      return t.tcpSynSent;
    case FlowState.SYN_RECV:
      return t.tcpSynRecv;
    case FlowState.FIN_WAIT:
      return t.tcpFinWait;
    case FlowState.CLOSE_WAIT:
      return t.tcpCloseWait;
    case FlowState.LAST_ACK:
      return t.tcpLastAck;
    case FlowState.TIME_WAIT:
      return t.tcpTimeWait;
    default:
      return t.tcpClose;
  }
}
