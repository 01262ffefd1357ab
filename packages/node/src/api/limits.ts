/** Named limits of the API server; each one, when exceeded, gives a coded error. */

/** Largest request body: a full batch of maximum-size transactions does not fit, by design. */
export const API_BODY_BYTES_MAX = 16 * 1024 * 1024;
/** Longest a client may ask POST /v1/txs?wait=true to wait for commit. */
export const SUBMIT_WAIT_MS_MAX = 60_000;
/** Wait used when the client asks to wait but gives no timeoutMs. */
export const SUBMIT_WAIT_MS_DEFAULT = 30_000;
/** Most arguments in a query; matches the transaction limit. */
export const QUERY_ARGS_MAX = 64;
/**
 * Bytes a stream socket may have queued but not yet sent. Replay pauses at
 * this mark; a live block arriving above it closes the socket, because the
 * client is not keeping up and the queue would otherwise grow without bound.
 */
export const STREAM_BACKLOG_BYTES_MAX = 8 * 1024 * 1024;
/** Largest frame a stream client may send us (it only needs to send nothing). */
export const STREAM_CLIENT_FRAME_BYTES_MAX = 4 * 1024;
/** Open stream sockets per node. */
export const STREAM_SOCKETS_MAX = 1_000;
/** WebSocket close code for a client that falls behind (RFC 6455: 1008 policy violation). */
export const STREAM_CLOSE_TOO_SLOW = 1008;
