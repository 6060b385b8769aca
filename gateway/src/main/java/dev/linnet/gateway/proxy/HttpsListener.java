package dev.linnet.gateway.proxy;

import dev.linnet.gateway.tls.SelfSigned;
import dev.linnet.gateway.tls.SniMapping;
import dev.linnet.gateway.tls.TlsCertificate;
import dev.linnet.gateway.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the HTTPS listener beside the HTTP one: same event loops, same upstream pool, same
 * per-listener context; only the front of the pipeline differs ({@link HttpsInitializer}).
 */
final class HttpsListener {

    private static final Logger log = LoggerFactory.getLogger(HttpsListener.class);

    private HttpsListener() {
    }

    /**
     * @param template the HTTP listener's bootstrap (cloned, not changed)
     * @throws IllegalStateException when the port cannot be bound
     */
    static Channel bind(ServerBootstrap template, ProxyContext context) throws InterruptedException {
        GatewayConfig config = context.config();
        TlsCertificate fake = SelfSigned.fakeCertificate();
        SniMapping mapping = new SniMapping(context.routes(), TlsContexts.create(), fake,
                () -> context.config().tlsPolicy());
        Channel channel;
        try {
            channel = template.clone()
                    .childHandler(new HttpsInitializer(context, mapping))
                    .bind(config.bindAddress(), config.httpsPort()).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // BindException and friends, thrown sneakily by sync()
            throw new IllegalStateException("HTTPS listener: cannot bind " + config.bindAddress() + ':'
                    + config.httpsPort() + " (" + e.getMessage() + ')', e);
        }
        log.info("HTTPS listener on {} (default certificate when no Secret applies: {})",
                channel.localAddress(), fake);
        return channel;
    }
}
