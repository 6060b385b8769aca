package dev.linnet.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObject;

/**
 * A response head passed through ({@link UpstreamCodec}): its kept fields already copied for the
 * client (hop-by-hop and replaced fields cut), the rest ({@code Connection: close}, the gateway's
 * fields, the end) written by {@link #finish} once the exchange knows whether the client
 * connection stays open. Its
 * body follows as {@link PassedBody} pieces. The client's codec writes both as they are.
 */
public final class PassedHead extends DefaultByteBufHolder implements HttpObject {

    private final PassPlan plan;
    private final boolean backendServer; // the upstream sent a Server of its own
    private final int status;
    private final long contentLength;
    private final boolean upstreamKeepAlive;
    private int bodyBytes;

    PassedHead(ByteBuf head, PassPlan plan, boolean backendServer, int status, long contentLength,
            boolean upstreamKeepAlive) {
        super(head);
        this.plan = plan;
        this.backendServer = backendServer;
        this.status = status;
        this.contentLength = contentLength;
        this.upstreamKeepAlive = upstreamKeepAlive;
    }

    public int status() {
        return status;
    }

    public long contentLength() {
        return contentLength;
    }

    /** The upstream did not say {@code Connection: close}: it may serve another request (HTTP/1.1). */
    public boolean upstreamKeepAlive() {
        return upstreamKeepAlive;
    }

    /**
     * Ends the head: {@code Connection: close} when the client connection closes after it (as
     * {@code ProxyHeaders.toClient}), the gateway's fields, the empty line.
     */
    public void finish(boolean close) {
        plan.end(content(), close, backendServer);
    }

    /**
     * Appends a finished head's whole body when it fits the room the head was given (a small
     * response then leaves in one buffer, as Netty's encoder does with a full response).
     *
     * @return whether {@code body} was copied; the caller keeps owning it either way
     */
    public boolean absorb(ByteBuf body) {
        ByteBuf head = content();
        int n = body.readableBytes();
        if (head.writableBytes() < n) {
            return false;
        }
        head.writeBytes(body, body.readerIndex(), n);
        bodyBytes += n;
        return true;
    }

    /** Body bytes carried in the head's buffer ({@link #absorb}). */
    public int bodyBytes() {
        return bodyBytes;
    }

    @Override
    public DecoderResult decoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    @Deprecated
    public DecoderResult getDecoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    public void setDecoderResult(DecoderResult result) {
        throw new UnsupportedOperationException("a passed-through head was checked by its scan");
    }

    @Override
    public String toString() {
        return "PassedHead(" + status + ", content-length " + contentLength + ")";
    }
}
