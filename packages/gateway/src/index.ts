/**
 * @citychain/gateway: the IoT gateway. Devices sign readings; the gateway
 * verifies them against the keys registered on chain (Devices contract),
 * refuses and counts readings of unknown or revoked devices, with bad
 * signatures or replayed, batches the rest and anchors each batch's RFC 6962
 * Merkle root with Telemetry:Anchor; any reading is provable later with
 * verifyReadingProof against the genesis.
 */
export * from "./anchor-batch.ts";
export * from "./anchorer.ts";
export * from "./chain-directory.ts";
export * from "./device-batch.ts";
export * from "./device-directory.ts";
export * from "./device-entry.ts";
export * from "./device-signer.ts";
export * from "./device-watcher.ts";
export * from "./gateway.ts";
export * from "./gateway-identity.ts";
export * from "./hash-pool.ts";
export * from "./hashes.ts";
export * from "./intake.ts";
export * from "./limits.ts";
export * from "./live-batch.ts";
export * from "./merkle-levels.ts";
export * from "./proof-service.ts";
export * from "./reading.ts";
export * from "./reading-decoder.ts";
export * from "./reading-proof.ts";
export * from "./records.ts";
export * from "./server.ts";
export * from "./signature-checker.ts";
export * from "./store.ts";
export * from "./stored-reading-codec.ts";
export * from "./verify-reading-proof.ts";
export * from "./wire.ts";
