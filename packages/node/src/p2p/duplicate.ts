/**
 * Which of two connections to one peer to keep. Both ends apply the same
 * rule to the same facts, so they keep the same connection without talking:
 * the one dialled by the node with the lower certificate fingerprint. When
 * the same node dialled both (it restarted, or its old socket went stale),
 * the newer one wins.
 *
 * Arguments are the certificate fingerprints of the node that dialled each.
 */
export function keepNewerConnection(existingDialerFp: string, newerDialerFp: string): boolean {
  if (existingDialerFp === newerDialerFp) return true;
  return newerDialerFp < existingDialerFp;
}
