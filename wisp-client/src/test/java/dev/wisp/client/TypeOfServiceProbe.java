package dev.wisp.client;

import dev.wisp.testing.TosReflectingNamespace;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's half of {@link TypeOfServiceOnTheWireIT}, run in a child JVM inside the namespace: one request per
 * TOS setting to the reflecting peer, printing {@code <setting> <TOS the accepted socket saw>}, or the error the
 * request failed with.
 */
final class TypeOfServiceProbe {
    private TypeOfServiceProbe() {
    }

    public static void main(String[] arguments) {
        Map<String, SocketOptions> settings = new LinkedHashMap<>();
        settings.put("none", SocketOptions.defaults());
        for (SocketOptions.TypeOfService service : SocketOptions.TypeOfService.values()) {
            settings.put(service.name(), SocketOptions.builder().typeOfService(service).build());
        }
        // DSCP EF (46), shifted past the two ECN bits: a raw byte of RFC 2474 rather than of RFC 1349.
        settings.put("raw-0xb8", SocketOptions.builder().typeOfService(0xb8).build());
        String url = "http://127.0.0.1:" + TosReflectingNamespace.PORT + "/";
        for (Map.Entry<String, SocketOptions> setting : settings.entrySet()) {
            try (Client client = Client.create(ClientConfig.builder().socketOptions(setting.getValue()).build())) {
                System.out.println(setting.getKey() + " " + client.send(Request.get(url)).text());
            } catch (IOException | RuntimeException e) {
                System.out.println(setting.getKey() + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
