// Idempotent sends (Client-Server API, "Transaction identifiers"): the first request of a
// (device, endpoint, txnId) sends its event; a retransmission answers that event's ID. The room
// server keeps the mapping (SendEventRequest.idempotencyKey, per sender), written in the
// transaction that stores the event, so it costs a send no commit of its own and survives a
// restart; concurrent duplicates meet in the room's queue, where the second finds the first.

/** The key of a device's transaction on an endpoint: the spec scopes a transaction ID to one
 *  device and one endpoint, so the key names both, with the endpoint's path parameters. JSON:
 *  unambiguous, and free of NUL, which PostgreSQL text cannot hold. */
export const txnKey = (deviceId: string, endpoint: string, ...params: string[]): string => JSON.stringify([deviceId, endpoint, ...params]);
