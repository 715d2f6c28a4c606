export { BatchError, BatchTooLargeError } from './batch-errors.js';
export {
  allocBatch,
  DIR,
  isIcmp,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
  type PacketBatch,
} from './packet-batch.js';
export { formatTcpFlags, parseTcpFlags, TCP_FLAG, TCP_FLAG_LETTERS } from './tcp-flags.js';
export type { InnerHeader, PacketFields } from './packet-fields.js';
export { decodeJsonBatch, type JsonBatch, type JsonPacket, type VnicResolver } from './json-batch.js';
export { packetsToBatch, type PacketInput } from './packet-input.js';
export { encodeColumnarBatch, PACKET_COLUMN_BYTES, PACKET_MAGIC_COLUMNS } from './columnar-batch.js';
export {
  decodeBinaryBatch,
  encodeBinaryBatch,
  PACKET_HEADER_BYTES,
  PACKET_MAGIC,
  PACKET_MAGIC_V4,
  PACKET_RECORD_BYTES,
  PACKET_RECORD_BYTES_V4,
} from './binary-batch.js';
export {
  ACTION,
  allocVerdicts,
  decodeBinaryVerdicts,
  encodeBinaryVerdicts,
  NO_RULE,
  REASON,
  VERDICT_HEADER_BYTES,
  VERDICT_MAGIC,
  VERDICT_RECORD_BYTES,
  verdictsToJson,
  type ActionName,
  type JsonVerdict,
  type ReasonName,
  type VerdictBatch,
} from './verdicts.js';
