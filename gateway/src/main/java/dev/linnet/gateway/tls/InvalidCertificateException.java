package dev.linnet.gateway.tls;

/** A Secret's certificate or key that cannot be served; the message says why, for a ConfigWarning. */
public final class InvalidCertificateException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidCertificateException(String message) {
        super(message);
    }

    public InvalidCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
