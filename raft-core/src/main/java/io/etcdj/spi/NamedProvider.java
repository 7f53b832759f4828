package io.etcdj.spi;

/**
 * Every plugin SPI's provider type extends this: the server picks providers by {@link #name()}
 * from its flags ({@code --store=rocks} picks the store provider named {@code rocks}). Built-in and
 * third-party providers are found and chosen the same way.
 *
 * <p>Construction of a provider must do nothing: the {@code ServiceLoader} instantiates every
 * installed provider, even the ones not chosen. Work starts in the provider's factory method.
 */
public interface NamedProvider {
    /** The name users select this provider by; lower case, unique per SPI. */
    String name();

    /** One line for {@code --help} and for the "installed providers" list in errors. */
    default String description() {
        return "";
    }
}
