package dev.linnet.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A body piece of a {@link PassedHead}'s response: the upstream's bytes, framed by the head's
 * {@code Content-Length}, which the client's codec writes unencoded. The exchange sees an
 * ordinary {@code HttpContent} (its back-pressure and byte counts are unchanged).
 */
public class PassedBody extends DefaultHttpContent {

    PassedBody(ByteBuf content) {
        super(content);
    }

    static PassedBody of(ByteBuf content, boolean last) {
        return last ? new Last(content) : new PassedBody(content);
    }

    /** The last piece: no trailers (a Content-Length body has none), so no header map either. */
    static final class Last extends PassedBody implements LastHttpContent {

        Last(ByteBuf content) {
            super(content);
        }

        @Override
        public HttpHeaders trailingHeaders() {
            return EmptyHttpHeaders.INSTANCE;
        }

        @Override
        public LastHttpContent copy() {
            return replace(content().copy());
        }

        @Override
        public LastHttpContent duplicate() {
            return replace(content().duplicate());
        }

        @Override
        public LastHttpContent retainedDuplicate() {
            return replace(content().retainedDuplicate());
        }

        @Override
        public LastHttpContent replace(ByteBuf content) {
            return new Last(content);
        }

        @Override
        public LastHttpContent retain() {
            super.retain();
            return this;
        }

        @Override
        public LastHttpContent retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public LastHttpContent touch() {
            super.touch();
            return this;
        }

        @Override
        public LastHttpContent touch(Object hint) {
            super.touch(hint);
            return this;
        }
    }
}
