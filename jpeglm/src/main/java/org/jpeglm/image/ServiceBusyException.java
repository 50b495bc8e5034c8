package org.jpeglm.image;

/** An {@link ImageService} refused a request because too many images are already waiting: retry later. */
public final class ServiceBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceBusyException(String message) {
        super(message);
    }
}
