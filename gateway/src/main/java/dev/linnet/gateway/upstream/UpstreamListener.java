package dev.linnet.gateway.upstream;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what an upstream connection delivers while it is leased. The pool's
 * {@link UpstreamHandler} calls it on the connection's (= the client's) event loop.
 */
public interface UpstreamListener {

    /** A response head or body piece; the listener owns {@code msg} and must release or forward it. */
    void onResponse(HttpObject msg);

    /** The connection closed or failed while leased; {@code cause} is null for a plain close. */
    void onUpstreamClosed(Throwable cause);

    /**
     * What one socket read decoded has been delivered (or one queued message was): the moment to
     * flush what was written without a flush, so a head and a body of the same read leave in one send.
     */
    default void onReadComplete() {
    }
}
