package org.jpeglm;

/**
 * A child JVM of {@link DamagedLibraryTest}: starts the native runtime (loads libjpeglm, ggml loads its backends) and
 * prints the devices, or "error: " and the reason it could not start, exiting 3. A crash exits otherwise.
 */
public final class NativeStartMain {
    private NativeStartMain() {}

    public static void main(String[] args) {
        try {
            System.out.println("devices: " + Jpeglm.devices());
        } catch (Throwable e) {
            Throwable cause = e.getCause() != null && e instanceof ExceptionInInitializerError ? e.getCause() : e;
            System.out.println("error: " + cause);
            System.exit(3);
        }
    }
}
