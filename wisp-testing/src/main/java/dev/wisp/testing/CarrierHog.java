package dev.wisp.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every carrier of this JVM's virtual threads busy until closed, so that no other virtual thread runs
 * meanwhile: woken or not, a virtual thread then looks from outside as one the JDK lost (JDK 25 can leave a thread
 * woken as the heap fills runnable and never scheduled again), which no test can cause on purpose. Platform threads
 * (a client's or a server's sweeper, the test's own) go on.
 */
public final class CarrierHog implements AutoCloseable {
    private final List<Thread> spinners = new ArrayList<>();
    private volatile boolean spinning = true;

    private CarrierHog() {
    }

    /** Starts a spinning thread for each carrier, and one more for each that the scheduler may have added. */
    public static CarrierHog start() throws InterruptedException {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        CarrierHog hog = new CarrierHog();
        CountDownLatch running = new CountDownLatch(carriers);
        for (int i = 0; i < 2 * carriers; i++) {
            hog.spinners.add(Thread.ofVirtual().name("test-carrier-hog").start(() -> {
                running.countDown();
                while (hog.spinning) {
                    Thread.onSpinWait();
                }
            }));
        }
        if (!running.await(10, TimeUnit.SECONDS)) {
            hog.close();
            throw new IllegalStateException("the spinning threads did not start");
        }
        return hog;
    }

    /** Lets the carriers go, and waits for the spinning threads to end. */
    @Override
    public void close() throws InterruptedException {
        spinning = false;
        for (Thread spinner : spinners) {
            spinner.join();
        }
    }
}
