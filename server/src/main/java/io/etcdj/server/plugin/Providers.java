package io.etcdj.server.plugin;

import io.etcdj.spi.NamedProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Picks plugin providers by name. Built-in and third-party providers are found the same way
 * (a {@link ServiceLoader} over the module layer); the flag names which one runs. An unknown name,
 * or two providers with one name, stops the server with an error that lists what is installed.
 */
public final class Providers {
    private Providers() {
    }

    /**
     * The provider of {@code spi} named {@code name}.
     *
     * @param what the flag that chose it, for the error message (e.g. {@code --store})
     * @throws PluginSelectionException when none or several match
     */
    public static <T extends NamedProvider> T select(List<T> installed, String what, String name) {
        List<T> matching = installed.stream().filter(p -> p.name().equals(name)).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty()) {
            throw new PluginSelectionException("etcdj: unknown " + what + " \"" + name + "\"; installed: "
                    + describe(installed));
        }
        throw new PluginSelectionException("etcdj: " + matching.size() + " plugins for " + what + " are named \"" + name
                + "\": " + matching.stream().map(Providers::origin).collect(Collectors.joining(", "))
                + "; remove all but one from the module path or plugins/");
    }

    /** Every installed provider of a service, in discovery order. */
    public static <T extends NamedProvider> List<T> installed(ServiceLoader<T> loader) {
        List<T> out = new ArrayList<>();
        loader.forEach(out::add);
        return out;
    }

    static String describe(List<? extends NamedProvider> installed) {
        if (installed.isEmpty()) {
            return "none";
        }
        return installed.stream()
                .map(p -> p.description().isEmpty() ? p.name() : p.name() + " (" + p.description() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String origin(NamedProvider p) {
        Module m = p.getClass().getModule();
        return p.getClass().getName() + (m.isNamed() ? " in module " + m.getName() : " on the class path");
    }

    /** The server cannot start with the plugins asked for. */
    public static final class PluginSelectionException extends RuntimeException {
        public PluginSelectionException(String message) {
            super(message, null, false, false);
        }
    }
}
