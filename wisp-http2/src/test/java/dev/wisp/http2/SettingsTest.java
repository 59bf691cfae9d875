package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings: the defaults of RFC 9113 §6.5.2, each setting's check, applying a frame, and error codes. */
class SettingsTest {
    @Test
    void startsFromTheRfcDefaults() {
        Settings settings = Settings.DEFAULT;
        assertEquals(4096, settings.headerTableSize());
        assertTrue(settings.enablePush());
        assertEquals(Settings.UNLIMITED, settings.maxConcurrentStreams());
        assertEquals(65_535, settings.initialWindowSize());
        assertEquals(16_384, settings.maxFrameSize());
        assertEquals(Settings.UNLIMITED, settings.maxHeaderListSize());
        assertEquals(List.of(), settings.differencesFrom(Settings.DEFAULT));
    }

    @Test
    void appliesAFrameInOrderLastValueWinningAndUnknownIgnored() throws ConnectionException {
        Settings settings = Settings.DEFAULT.apply(new SettingsFrame(List.of(new Setting(Settings.ENABLE_PUSH, 0),
                new Setting(Settings.INITIAL_WINDOW_SIZE, 1), new Setting(0x99, 5),
                new Setting(Settings.INITIAL_WINDOW_SIZE, 1_000_000),
                new Setting(Settings.MAX_CONCURRENT_STREAMS, 0))));
        assertFalse(settings.enablePush());
        assertEquals(1_000_000, settings.initialWindowSize());
        assertEquals(0, settings.maxConcurrentStreams());
        assertEquals(List.of(new Setting(Settings.ENABLE_PUSH, 0), new Setting(Settings.MAX_CONCURRENT_STREAMS, 0),
                new Setting(Settings.INITIAL_WINDOW_SIZE, 1_000_000)), settings.differencesFrom(Settings.DEFAULT));
        assertEquals(settings, settings.apply(SettingsFrame.ACK));
    }

    @Test
    void refusesOutOfRangeValuesWithTheirErrorCodes() {
        assertApplyFails(Settings.ENABLE_PUSH, 2, ErrorCode.PROTOCOL_ERROR,
                "SETTINGS_ENABLE_PUSH must be 0 or 1, not 2");
        assertApplyFails(Settings.INITIAL_WINDOW_SIZE, 0x8000_0000L, ErrorCode.FLOW_CONTROL_ERROR,
                "SETTINGS_INITIAL_WINDOW_SIZE 2147483648 exceeds 2^31-1");
        assertApplyFails(Settings.MAX_FRAME_SIZE, 16_383, ErrorCode.PROTOCOL_ERROR,
                "SETTINGS_MAX_FRAME_SIZE 16383 is outside 16384 to 16777215");
        assertApplyFails(Settings.MAX_FRAME_SIZE, 16_777_216, ErrorCode.PROTOCOL_ERROR,
                "SETTINGS_MAX_FRAME_SIZE 16777216 is outside 16384 to 16777215");
    }

    @Test
    void takesTheExtendedConnectSettingOfRfc8441AndRefusesItsWithdrawal() throws ConnectionException {
        assertFalse(Settings.DEFAULT.enableConnectProtocol());
        Settings enabled = Settings.DEFAULT.apply(new SettingsFrame(List.of(
                new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 1))));
        assertTrue(enabled.enableConnectProtocol());
        assertEquals(List.of(new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 1)),
                enabled.differencesFrom(Settings.DEFAULT));
        assertEquals(enabled, Settings.builder().enableConnectProtocol(true).build());
        assertEquals(enabled, enabled.apply(new SettingsFrame(List.of(
                new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 1)))));
        assertApplyFails(Settings.ENABLE_CONNECT_PROTOCOL, 2, ErrorCode.PROTOCOL_ERROR,
                "SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1, not 2");
        ConnectionException e = assertThrows(ConnectionException.class, () -> enabled.apply(new SettingsFrame(
                List.of(new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 0)))));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        assertEquals("SETTINGS_ENABLE_CONNECT_PROTOCOL went back from 1 to 0 (RFC 8441 §3)", e.getMessage());
    }

    @Test
    void acceptsTheEdgesOfEachRange() throws ConnectionException {
        Settings settings = Settings.DEFAULT.apply(new SettingsFrame(List.of(
                new Setting(Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE), new Setting(Settings.MAX_FRAME_SIZE,
                        16_777_215), new Setting(Settings.HEADER_TABLE_SIZE, 0xffff_ffffL),
                new Setting(Settings.MAX_HEADER_LIST_SIZE, 0))));
        assertEquals(Integer.MAX_VALUE, settings.initialWindowSize());
        assertEquals(16_777_215, settings.maxFrameSize());
        assertEquals(0xffff_ffffL, settings.headerTableSize());
        assertEquals(0, settings.maxHeaderListSize());
    }

    @Test
    void buildsOurOwnSettingsCheckedWithIllegalArgumentExceptions() {
        Settings ours = Settings.builder().maxFrameSize(1 << 20).initialWindowSize(1 << 24).enablePush(false)
                .maxConcurrentStreams(100).maxHeaderListSize(16_384).headerTableSize(0).build();
        assertEquals(List.of(new Setting(1, 0), new Setting(2, 0), new Setting(3, 100), new Setting(4, 1 << 24),
                new Setting(5, 1 << 20), new Setting(6, 16_384)), ours.differencesFrom(Settings.DEFAULT));
        assertEquals(ours, ours.toBuilder().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.builder().maxFrameSize(100));
        assertEquals("maxFrameSize: SETTINGS_MAX_FRAME_SIZE 100 is outside 16384 to 16777215", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().initialWindowSize(-1));
        assertThrows(IllegalArgumentException.class, () -> Settings.builder().headerTableSize(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new Setting(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> new SettingsFrame(true, List.of(new Setting(1, 0))));
    }

    @Test
    void namesEveryErrorCodeAndKeepsUnknownOnesAsNumbers() {
        String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
            "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
        for (int code = 0; code < names.length; code++) {
            assertEquals(names[code], new ErrorCode(code).name());
            assertTrue(new ErrorCode(code).isKnown());
        }
        assertEquals(ErrorCode.HTTP_1_1_REQUIRED, new ErrorCode(0xd));
        assertEquals("0xe", new ErrorCode(0xe).toString());
        assertFalse(new ErrorCode(-1).isKnown());
        assertEquals("0xffffffff", new ErrorCode(-1).name());
    }

    private static void assertApplyFails(int identifier, long value, ErrorCode code, String message) {
        ConnectionException e = assertThrows(ConnectionException.class,
                () -> Settings.DEFAULT.apply(new SettingsFrame(List.of(new Setting(identifier, value)))));
        assertEquals(code, e.errorCode());
        assertEquals(message, e.getMessage());
    }
}
