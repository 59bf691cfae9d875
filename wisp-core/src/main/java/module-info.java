/**
 * Wisp core: protocol-neutral HTTP values (methods, statuses, headers, request targets, message heads and
 * bodies), the protocol error family, and the buffered wire input and output every codec reads and writes.
 */
module dev.wisp.core {
    exports dev.wisp.core;
}
