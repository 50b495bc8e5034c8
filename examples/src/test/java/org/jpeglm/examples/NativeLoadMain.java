package org.jpeglm.examples;

import org.jpeglm.Jpeglm;

/** A child JVM of {@link ClassifierJarTest}: loads libjpeglm as an application would and says from where. */
public final class NativeLoadMain {
    private NativeLoadMain() {}

    public static void main(String[] args) {
        long start = System.nanoTime();
        String library = Jpeglm.nativeLibrary();
        System.out.println("devices: " + Jpeglm.devices().size());
        System.out.printf("loaded %s in %d ms%n", library, (System.nanoTime() - start) / 1_000_000);
    }
}
