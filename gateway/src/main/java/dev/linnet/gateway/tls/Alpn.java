package dev.linnet.gateway.tls;

import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;

/** The application protocols the HTTPS listener offers in ALPN, most preferred first. */
public final class Alpn {

    /**
     * HTTP/1.1 only for now. HTTP/2 goes first here ({@code ApplicationProtocolNames.HTTP_2}) when
     * its pipeline exists; {@code HttpsInitializer} is where the chosen protocol picks the pipeline.
     */
    public static final List<String> PROTOCOLS = List.of(ApplicationProtocolNames.HTTP_1_1);

    private Alpn() {
    }
}
