package dev.linnet.gateway.split;

/**
 * What the split decision reads from a request. The proxy adapts its Netty request to this, so
 * the decision itself knows nothing of the wire format.
 */
public interface SplitRequest {

    /**
     * The value of a request header, matched ignoring case; repeated headers joined with
     * {@code ", "} as nginx 1.23+ does for {@code $http_*}; {@code null} when absent.
     */
    String header(String name);

    /** The value of the first cookie with that name, matched ignoring case; {@code null} when absent. */
    String cookie(String name);
}
