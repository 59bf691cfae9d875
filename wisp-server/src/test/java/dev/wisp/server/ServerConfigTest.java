package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerConfigTest {
    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("port", builder -> builder.port(-1)),
                bad("port", builder -> builder.port(65536)),
                bad("backlog", builder -> builder.backlog(0)),
                bad("maxConnections", builder -> builder.maxConnections(0)),
                bad("bufferBytes", builder -> builder.bufferBytes(255)),
                bad("maxRequestLineBytes", builder -> builder.maxRequestLineBytes(0)),
                bad("maxRequestLineBytes", builder -> builder.bufferBytes(1024).maxRequestLineBytes(1023)),
                bad("maxHeaderBytes", builder -> builder.maxHeaderBytes(0)),
                bad("maxHeaderCount", builder -> builder.maxHeaderCount(-5)),
                bad("maxRequestBodyBytes", builder -> builder.maxRequestBodyBytes(-1)),
                bad("maxChunkLineBytes", builder -> builder.maxChunkLineBytes(0)),
                bad("maxChunkLineBytes",
                        builder -> builder.bufferBytes(512).maxRequestLineBytes(100).maxChunkLineBytes(511)),
                bad("maxPooledBuffers", builder -> builder.maxPooledBuffers(-1)),
                bad("maxDrainBytes", builder -> builder.maxDrainBytes(-1)),
                bad("headerTimeout", builder -> builder.headerTimeout(Duration.ZERO)),
                bad("idleTimeout", builder -> builder.idleTimeout(Duration.ofMillis(-1))),
                bad("readTimeout", builder -> builder.readTimeout(Duration.ofDays(30))),
                bad("writeTimeout", builder -> builder.writeTimeout(Duration.ZERO)),
                bad("maxConcurrentStreams", builder -> builder.maxConcurrentStreams(0)),
                bad("maxStreamResets", builder -> builder.maxStreamResets(0, 20)),
                bad("maxStreamResets", builder -> builder.maxStreamResets(200, 0)),
                bad("carrierLoops", builder -> builder.carrierLoops(-1)));
    }

    private static Arguments bad(String option, UnaryOperator<ServerConfig.Builder> change) {
        return Arguments.of(option, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void rejectsBadValuesNamingTheOption(String option, UnaryOperator<ServerConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(ServerConfig.builder()).build());
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
    }

    @Test
    void rejectsNullsNamingTheOption() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> ServerConfig.builder().idleTimeout(null));
        assertEquals("idleTimeout", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> ServerConfig.builder().connectionListener(null));
        assertEquals("connectionListener", e.getMessage());
    }

    @Test
    void fitsTheDefaultConnectionAndStreamLimitsToASmallHeap() {
        assertEquals(512, ServerConfig.Builder.defaultMaxConnections(32L << 20));
        assertEquals(8_192, ServerConfig.Builder.defaultMaxConnections(512L << 20));
        assertEquals(10_000, ServerConfig.Builder.defaultMaxConnections(640L << 20));
        assertEquals(10_000, ServerConfig.Builder.defaultMaxConnections(8L << 30));
        assertEquals(64, ServerConfig.Builder.defaultMaxConnections(1L << 20));
        assertEquals(ServerConfig.Builder.defaultMaxConnections(Runtime.getRuntime().maxMemory()),
                ServerConfig.builder().build().maxConnections());
        assertEquals(256, ServerConfig.Builder.defaultMaxActiveStreams(32L << 20));
        assertEquals(64, ServerConfig.Builder.defaultMaxActiveStreams(1L << 20));
        assertEquals(32_768, ServerConfig.Builder.defaultMaxActiveStreams(4L << 30));
        assertEquals(ServerConfig.Builder.defaultMaxActiveStreams(Runtime.getRuntime().maxMemory()),
                ServerConfig.builder().build().maxActiveStreams());
        assertEquals(3, ServerConfig.builder().maxActiveStreams(3).build().toBuilder().build().maxActiveStreams());
        assertEquals(true, ServerConfig.builder().build().shedLoadUnderHeapPressure());
        assertEquals(false, ServerConfig.builder().shedLoadUnderHeapPressure(false).build().toBuilder().build()
                .shedLoadUnderHeapPressure());
    }

    @Test
    void servesHttp2OnlyWhenAskedAndKeepsItsStreamLimitThroughToBuilder() {
        assertEquals(false, ServerConfig.builder().build().http2());
        ServerConfig config = ServerConfig.builder().http2(true).maxConcurrentStreams(1).build();
        assertEquals(true, config.toBuilder().build().http2());
        assertEquals(1, config.toBuilder().build().maxConcurrentStreams());
        assertEquals(100, ServerConfig.builder().build().maxConcurrentStreams());
    }

    @Test
    void boundsStreamResetsAt200AtOnceAnd20ASecondUnlessToldAndKeepsTheBoundThroughToBuilder() {
        ServerConfig defaults = ServerConfig.builder().build();
        assertEquals(200, defaults.maxStreamResetBurst());
        assertEquals(20, defaults.maxStreamResetsPerSecond());
        ServerConfig config = ServerConfig.builder().maxStreamResets(1000, 100).build().toBuilder().build();
        assertEquals(1000, config.maxStreamResetBurst());
        assertEquals(100, config.maxStreamResetsPerSecond());
    }

    @Test
    void runsOnTheJdksSchedulerUnlessAskedAndKeepsTheLoopsThroughToBuilder() {
        assertEquals(0, ServerConfig.builder().build().carrierLoops()); // no wisp.server.carrierLoops in this run
        assertEquals(3, ServerConfig.builder().carrierLoops(3).build().toBuilder().build().carrierLoops());
    }

    @Test
    void acceptsTheLimitsAtTheirBounds() {
        ServerConfig config = ServerConfig.builder().port(65535).bufferBytes(256).maxRequestLineBytes(254)
                .maxChunkLineBytes(254).maxRequestBodyBytes(0).maxDrainBytes(0).maxPooledBuffers(0)
                .headerTimeout(Duration.ofMillis(1)).build();
        assertEquals(254, config.maxRequestLineBytes());
        assertEquals(config.maxRequestLineBytes(), config.toBuilder().build().maxRequestLineBytes());
    }
}
