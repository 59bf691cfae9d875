package dev.wisp.http2;

import java.util.List;

/**
 * A SETTINGS frame (RFC 9113 §6.5): parameters in the order they arrived (a later one of the same identifier wins,
 * §6.5.3), or an acknowledgement, which has none. {@link FrameReader} checks each value (§6.5.2) and leaves out
 * the parameters it does not know; {@link Settings#apply(SettingsFrame)} gives the settings that result.
 */
public record SettingsFrame(boolean ack, List<Setting> settings) implements Frame {
    /** The acknowledgement of the peer's SETTINGS. */
    public static final SettingsFrame ACK = new SettingsFrame(true, List.of());

    public SettingsFrame {
        settings = List.copyOf(settings);
        if (ack && !settings.isEmpty()) {
            throw new IllegalArgumentException("a SETTINGS acknowledgement carries no parameters");
        }
    }

    /** Parameters to send. */
    public SettingsFrame(List<Setting> settings) {
        this(false, settings);
    }

    @Override
    public int streamId() {
        return 0;
    }
}
