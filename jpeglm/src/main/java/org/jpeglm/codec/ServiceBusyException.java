package org.jpeglm.codec;

/** A {@link Service} refused a request because too many results (images, videos) are already waiting: retry later. */
public final class ServiceBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceBusyException(String message) {
        super(message);
    }
}
