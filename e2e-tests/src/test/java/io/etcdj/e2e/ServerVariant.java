package io.etcdj.e2e;

import java.util.List;

/**
 * One configuration of the server under test: the extra command-line flags that select it (for etcdj,
 * the storage engine). Its {@link #toString()} is the label JUnit shows for a parameterized run.
 *
 * @param label     short name shown in test reports
 * @param extraArgs flags appended to the standard ones every server gets
 */
public record ServerVariant(String label, List<String> extraArgs) {

    public ServerVariant {
        extraArgs = List.copyOf(extraArgs);
    }

    @Override
    public String toString() {
        return label;
    }
}
