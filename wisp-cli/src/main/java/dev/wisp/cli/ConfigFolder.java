package dev.wisp.cli;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where {@code wisp} keeps its files (the self-signed certificate of {@code wisp serve}), first match wins:
 * <ol>
 * <li>the system property {@value #PROPERTY}, then the environment variable {@value #VARIABLE}: the folder itself,
 *     which lets tests and scripts keep {@code wisp} away from the user's real folder;</li>
 * <li>{@code $XDG_CONFIG_HOME/wisp}, when that variable holds an absolute path (the XDG Base Directory
 *     specification says to ignore a relative one);</li>
 * <li>{@code ~/.config/wisp}.</li>
 * </ol>
 * Stateless.
 */
final class ConfigFolder {
    static final String PROPERTY = "wisp.config.home";
    static final String VARIABLE = "WISP_CONFIG_HOME";

    private ConfigFolder() {
    }

    /** The folder for this process, from its system properties and environment. */
    static Path resolve() {
        return resolve(System::getProperty, System::getenv);
    }

    /** The folder for the given properties and environment; either lookup returns null for an absent name. */
    static Path resolve(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String explicit = nonEmpty(properties.apply(PROPERTY));
        if (explicit == null) {
            explicit = nonEmpty(environment.apply(VARIABLE));
        }
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath();
        }
        String xdg = nonEmpty(environment.apply("XDG_CONFIG_HOME"));
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "wisp");
        }
        return Path.of(properties.apply("user.home"), ".config", "wisp");
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
