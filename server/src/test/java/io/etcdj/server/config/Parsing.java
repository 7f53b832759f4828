package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Test helpers: parse with no default host (so nothing depends on this machine's network). */
final class Parsing {
    private Parsing() {
    }

    static ParseResult parse(Map<String, String> env, String... args) {
        return new ConfigParser(DefaultHost.of(Optional.empty())).parseArguments(args, env);
    }

    static ParseResult parse(String... args) {
        return parse(Map.of(), args);
    }

    static EtcdConfig config(String... args) {
        return config(Map.of(), args);
    }

    static EtcdConfig config(Map<String, String> env, String... args) {
        ParseResult result = parse(env, args);
        if (result instanceof ParseResult.Failure f) {
            throw new AssertionError("expected a configuration, got failure: " + f.message());
        }
        return assertInstanceOf(ParseResult.Run.class, result).config();
    }

    static ParseResult.Failure failure(String... args) {
        return failure(Map.of(), args);
    }

    static ParseResult.Failure failure(Map<String, String> env, String... args) {
        return assertInstanceOf(ParseResult.Failure.class, parse(env, args));
    }

    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }
}
