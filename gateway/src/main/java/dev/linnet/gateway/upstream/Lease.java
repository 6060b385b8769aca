package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.Channel;

/**
 * An upstream connection handed to one exchange until it is released or closed.
 *
 * @param reused whether the connection came from the idle pool; a reused connection may have been
 *     closed by the upstream a moment ago without us noticing yet, which is why a failure on it
 *     is retried on a fresh connection (see {@link RetryPolicy})
 */
public record Lease(Channel channel, Endpoint endpoint, boolean reused) {

    public Lease {
        requireNonNull(channel, "channel");
        requireNonNull(endpoint, "endpoint");
    }

    /** Routes this connection's responses to {@code listener} until the lease ends. */
    public void listen(UpstreamListener listener) {
        UpstreamHandler.of(channel).listener(requireNonNull(listener, "listener"));
    }

    /**
     * Lets the response to the request about to be written pass through with {@code plan}'s
     * edits when its head is plain ({@link UpstreamCodec}); then the listener receives a
     * {@link PassedHead} and {@link PassedBody} pieces instead of Netty's objects. Nothing on HTTP/2.
     */
    public void passThrough(PassPlan plan) {
        UpstreamHandler.of(channel).passThrough(requireNonNull(plan, "plan"));
    }
}
