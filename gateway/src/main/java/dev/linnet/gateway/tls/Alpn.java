package dev.linnet.gateway.tls;

import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/** The application protocols the HTTPS listener offers in ALPN, most preferred first. */
public final class Alpn {

    /**
     * HTTP/2 first, as browsers and gRPC clients expect; {@code HttpsInitializer} is where the
     * chosen protocol picks the pipeline. A client without ALPN gets HTTP/1.1.
     */
    public static final List<String> PROTOCOLS = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private Alpn() {
    }
}
