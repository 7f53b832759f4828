package io.etcdj.v2store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A hand-driven clock, like clockwork's FakeClock advanced past etcd's minExpireTime. */
final class TestClock implements InstantSource {
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    @Override
    public Instant instant() {
        return now;
    }

    Instant plus(Duration d) {
        return now.plus(d);
    }

    Instant plusMillis(long ms) {
        return now.plusMillis(ms);
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }
}
