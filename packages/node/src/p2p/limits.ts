/**
 * Bounds of the peer-to-peer transport. Every one is a default that
 * P2PNodeOptions can override (tests shrink the timers); each has a coded
 * error or a logged, counted consequence when exceeded.
 */

/**
 * Largest frame payload accepted or sent. A proposal carries a whole block
 * (blockBytesMax, 8 MiB by default) plus votes and framing, so 16 MiB leaves
 * room; a larger length prefix disconnects the peer (P2P_FRAME_TOO_LARGE)
 * before any of its bytes are buffered.
 */
export const FRAME_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

/** Bytes of the big-endian u32 length prefix in front of every frame. */
export const FRAME_HEADER_BYTES = 4;

/** Messages waiting for one peer's socket; more are dropped (or the peer disconnected, per policy). */
export const SEND_QUEUE_MESSAGES_MAX_DEFAULT = 4096;

/** Bytes waiting for one peer's socket (frames included); same consequence as the message bound. */
export const SEND_QUEUE_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** Simultaneously connected (authenticated) peers, dialled and accepted together. */
export const PEERS_MAX_DEFAULT = 64;

/**
 * Connections still in the TLS or hello handshake. An unauthenticated client
 * costs a socket and a handshake, so their number is capped apart from peers.
 */
export const HANDSHAKES_PENDING_MAX_DEFAULT = 32;

/** Time from TCP accept/connect to a verified hello; slower connections are dropped. */
export const HANDSHAKE_TIMEOUT_MS_DEFAULT = 10_000;

/** First reconnect delay; each failed attempt doubles it up to RECONNECT_DELAY_MS_MAX_DEFAULT. */
export const RECONNECT_DELAY_MS_MIN_DEFAULT = 250;

/** Ceiling of the reconnect delay, so a peer that comes back is found within this time. */
export const RECONNECT_DELAY_MS_MAX_DEFAULT = 30_000;

/**
 * Fraction of the delay that is randomised (0.2: delay x [0.8, 1.2)), so that
 * nodes restarted together do not dial each other in lock step.
 */
export const RECONNECT_JITTER_RATIO_DEFAULT = 0.2;

/** Protocol violations (bad frames, bad messages, reported misbehaviour) before a peer is banned. */
export const PEER_STRIKES_MAX_DEFAULT = 3;

/** How long a banned peer's connections are refused. */
export const PEER_BAN_MS_DEFAULT = 60_000;

/** Peers whose strikes are remembered; the oldest are forgotten beyond this. */
export const PEER_STRIKE_RECORDS_MAX = 1024;

/**
 * How often connected peers' certificates are checked again (expiry,
 * revocation); a certificate that stops being valid ends its connection.
 */
export const PEER_RECHECK_INTERVAL_MS_DEFAULT = 60_000;

/**
 * How often a "p2p/ping" goes to every peer, so that an idle but healthy
 * connection still carries bytes and a dead one can be told apart.
 */
export const KEEPALIVE_INTERVAL_MS_DEFAULT = 5_000;

/**
 * A connection on which nothing arrived for this long is closed (and the
 * peer redialled): TCP alone may take many minutes to notice a peer whose
 * machine or network vanished without a FIN or RST.
 */
export const IDLE_TIMEOUT_MS_DEFAULT = 20_000;

/** Gossip ids remembered to forward each item once. */
export const GOSSIP_SEEN_ENTRIES_MAX_DEFAULT = 100_000;

/** Characters of a message's `type` field. */
export const MESSAGE_TYPE_CHARS_MAX = 64;

/** Characters of a chain id in the hello. */
export const CHAIN_ID_CHARS_MAX = 128;
