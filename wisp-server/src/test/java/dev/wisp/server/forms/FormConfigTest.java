package dev.wisp.server.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The form limits: defaults as documented, variants by toBuilder, options out of range refused by name. */
class FormConfigTest {
    @Test
    void hasTheDocumentedDefaults() {
        FormConfig config = FormConfig.defaults();

        assertEquals(256 * 1024, config.maxFormBytes());
        assertEquals(1000, config.maxFields());
        assertEquals(64 * 1024, config.maxFieldBytes());
        assertEquals(10 * 1024 * 1024, config.maxMultipartBytes());
        assertEquals(100, config.maxParts());
        assertEquals(8 * 1024, config.maxPartHeaderBytes());
        assertEquals(10 * 1024 * 1024, config.maxFileBytes());
        assertEquals(64 * 1024, config.memoryThresholdBytes());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), config.tempDirectory());
    }

    @Test
    void derivesAVariantKeepingTheOtherOptions() {
        FormConfig base = FormConfig.builder().maxParts(7).tempDirectory(Path.of("/srv/uploads")).build();
        FormConfig variant = base.toBuilder().maxFileBytes(5).build();

        assertEquals(7, variant.maxParts());
        assertEquals(5, variant.maxFileBytes());
        assertEquals(Path.of("/srv/uploads"), variant.tempDirectory());
        assertEquals(10 * 1024 * 1024, base.maxFileBytes());
    }

    static Stream<Arguments> optionsOutOfRange() {
        return Stream.of(
                Arguments.of("maxFormBytes must be at least 1: 0",
                        (Consumer<FormConfig.Builder>) b -> b.maxFormBytes(0)),
                Arguments.of("maxFields must be at least 1: 0", (Consumer<FormConfig.Builder>) b -> b.maxFields(0)),
                Arguments.of("maxFieldBytes must be at least 1: -1",
                        (Consumer<FormConfig.Builder>) b -> b.maxFieldBytes(-1)),
                Arguments.of("maxMultipartBytes must be at least 1: 0",
                        (Consumer<FormConfig.Builder>) b -> b.maxMultipartBytes(0)),
                Arguments.of("maxParts must be at least 1: 0", (Consumer<FormConfig.Builder>) b -> b.maxParts(0)),
                Arguments.of("maxPartHeaderBytes must be at least 1: 0",
                        (Consumer<FormConfig.Builder>) b -> b.maxPartHeaderBytes(0)),
                Arguments.of("maxFileBytes must be at least 1: 0",
                        (Consumer<FormConfig.Builder>) b -> b.maxFileBytes(0)),
                Arguments.of("memoryThresholdBytes must be at least 0: -1",
                        (Consumer<FormConfig.Builder>) b -> b.memoryThresholdBytes(-1)));
    }

    @ParameterizedTest
    @MethodSource("optionsOutOfRange")
    void refusesAnOptionOutOfRangeByName(String message, Consumer<FormConfig.Builder> change) {
        FormConfig.Builder builder = FormConfig.builder();
        change.accept(builder);

        var e = assertThrows(IllegalArgumentException.class, builder::build);
        assertEquals(message, e.getMessage());
    }
}
