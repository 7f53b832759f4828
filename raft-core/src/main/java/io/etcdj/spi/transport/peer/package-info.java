/**
 * Small pieces every peer transport needs, shared so that each plugin does not carry its own copy:
 * rate-limited unreachable reports, the once-only removal notice, and the once-only outcome of a
 * snapshot transfer.
 */
package io.etcdj.spi.transport.peer;
