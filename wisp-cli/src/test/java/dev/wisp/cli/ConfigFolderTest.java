package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFolderTest {
    private static Path resolve(Map<String, String> properties, Map<String, String> environment) {
        return ConfigFolder.resolve(properties::get, environment::get);
    }

    @Test
    void prefersThePropertyThenWispConfigHomeThenXdgThenTheHomeFolder() {
        Map<String, String> home = Map.of("user.home", "/home/ada");
        assertEquals(Path.of("/tmp/p"), resolve(Map.of("user.home", "/home/ada", "wisp.config.home", "/tmp/p"),
                Map.of("WISP_CONFIG_HOME", "/tmp/e", "XDG_CONFIG_HOME", "/x")));
        assertEquals(Path.of("/tmp/e"), resolve(home, Map.of("WISP_CONFIG_HOME", "/tmp/e", "XDG_CONFIG_HOME", "/x")));
        assertEquals(Path.of("/x/wisp"), resolve(home, Map.of("XDG_CONFIG_HOME", "/x")));
        assertEquals(Path.of("/home/ada/.config/wisp"), resolve(home, Map.of()));
    }

    @Test
    void ignoresEmptyValuesAndARelativeXdgConfigHome() {
        Map<String, String> home = Map.of("user.home", "/home/ada", "wisp.config.home", "");
        assertEquals(Path.of("/home/ada/.config/wisp"),
                resolve(home, Map.of("WISP_CONFIG_HOME", "", "XDG_CONFIG_HOME", "relative/dir")));
    }

    @Test
    void pointsOutsideTheHomeFolderInTheseTests() {
        Path folder = ConfigFolder.resolve();
        assertFalse(folder.startsWith(Path.of(System.getProperty("user.home"), ".config")), folder.toString());
    }
}
