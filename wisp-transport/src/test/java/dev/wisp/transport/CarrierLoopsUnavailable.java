package dev.wisp.transport;

/** Prints whether carrier loops are available in this JVM, and why starting them fails; for {@link CarrierLoopsIT}. */
final class CarrierLoopsUnavailable {
    private CarrierLoopsUnavailable() {
    }

    public static void main(String[] args) throws Exception {
        try (CarrierLoops loops = CarrierLoops.start(1, "never", (thread, failure) -> { }, "never")) {
            System.out.println(CarrierLoops.available() + ": started " + loops.size());
        } catch (IllegalStateException e) {
            System.out.println(CarrierLoops.available() + ": " + e.getMessage());
        }
    }
}
