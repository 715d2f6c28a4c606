import type { ConntrackTimeouts } from '../../policy/types.js';
import { FlowState } from './flow-state.js';

/** Linux nf_conntrack defaults, seconds; effectiveTimeouts applies a tenant's overrides. */
export { DEFAULT_TIMEOUTS } from '../../policy/timeouts.js';

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
