package dev.linnet.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client that trusts anything and remembers which certificate the server presented, so a
 * test can ask "which certificate does SNI name X get?". One {@link Connection} is one socket.
 */
public final class TlsClient {

    private TlsClient() {
    }

    /** What one request over a fresh connection saw. */
    public record Result(X509Certificate certificate, String protocol, String alpn, String response) {
        public String cn() {
            return certificate.getSubjectX500Principal().getName();
        }

        public int status() {
            return Integer.parseInt(response.substring(9, 12));
        }

        /** Every value of the header {@code name} (case-insensitive) in the response head, in order. */
        public List<String> headers(String name) {
            List<String> out = new java.util.ArrayList<>();
            int end = response.indexOf("\r\n\r\n");
            for (String line : response.substring(0, end < 0 ? response.length() : end).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).strip());
                }
            }
            return out;
        }
    }

    /** A handshake with {@code sni} (null: no SNI extension) to 127.0.0.1:port. */
    public static Connection connect(int port, String sni) {
        return connect(port, sni, (TestPki.Cert) null);
    }

    /**
     * As {@link #connect(int, String)}, presenting {@code client} (null: none) whenever the server
     * asks, whatever CAs it names (so a test can send an untrusted certificate).
     */
    public static Connection connect(int port, String sni, TestPki.Cert client) {
        return connect(port, sni, context(client));
    }

    /** A client context presenting {@code client} (null: none); connections made with one context resume sessions. */
    public static SSLContext context(TestPki.Cert client) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(client == null ? null : new KeyManager[] {new Always(client)},
                    new TrustManager[] {new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A handshake with {@code context}'s key and session cache. */
    public static Connection connect(int port, String sni, SSLContext context) {
        return connect(port, sni, context, null, null);
    }

    /**
     * A handshake offering only {@code protocols} and {@code ciphers} (null: the client's defaults);
     * throws when the server accepts none of them.
     */
    public static Connection connect(int port, String sni, String[] protocols, String[] ciphers) {
        return connect(port, sni, context(null), protocols, ciphers);
    }

    private static Connection connect(int port, String sni, SSLContext context, String[] protocols, String[] ciphers) {
        try {
            return handshake((SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port), sni, protocols,
                    ciphers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A handshake over {@code plain}, a socket already connected to 127.0.0.1:port that may have
     * sent bytes of its own first (a PROXY protocol header).
     */
    public static Connection over(Socket plain, int port, String sni) {
        try {
            return handshake((SSLSocket) context(null).getSocketFactory().createSocket(plain, "127.0.0.1", port, true),
                    sni, null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection handshake(SSLSocket socket, String sni, String[] protocols, String[] ciphers)
            throws IOException {
        socket.setSoTimeout(20_000);
        SSLParameters params = socket.getSSLParameters();
        if (protocols != null) {
            params.setProtocols(protocols);
        }
        if (ciphers != null) {
            params.setCipherSuites(ciphers);
        }
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        params.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(params);
        socket.startHandshake();
        return new Connection(socket);
    }

    /** Handshake, one GET with {@code Connection: close}, and the whole answer. */
    public static Result get(int port, String sni, String host, String path) {
        try (Connection c = connect(port, sni)) {
            return c.get(host, path, true);
        }
    }

    public static final class Connection implements AutoCloseable {
        private final SSLSocket socket;

        Connection(SSLSocket socket) {
            this.socket = socket;
        }

        /** The negotiated protocol ({@code TLSv1.2}) and cipher suite (IANA name). */
        public String protocol() {
            return socket.getSession().getProtocol();
        }

        public String cipherSuite() {
            return socket.getSession().getCipherSuite();
        }

        /** When the TLS session began: a resumed session keeps its first connection's. */
        public long sessionCreated() {
            return socket.getSession().getCreationTime();
        }

        public X509Certificate certificate() {
            try {
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * One GET; with {@code close} the answer is read to the end of the stream, else up to the
         * end of a {@code Content-Length} body (the test backends always send one).
         */
        public Result get(String host, String path, boolean close) {
            return get(host, path, close, "");
        }

        /** As above, with more header lines ({@code "Name: value\r\n"} each). */
        public Result get(String host, String path, boolean close, String moreHeaders) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + (close ? "Connection: close\r\n" : "")
                        + moreHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = close ? readAll(socket.getInputStream()) : readOne(socket.getInputStream());
                return new Result(certificate(), socket.getSession().getProtocol(), socket.getApplicationProtocol(),
                        response);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String readAll(InputStream in) throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        private static String readOne(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int length = -1;
            int headEnd = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                buf.write(b);
                if (headEnd < 0) {
                    String s = buf.toString(StandardCharsets.ISO_8859_1);
                    if (s.endsWith("\r\n\r\n")) {
                        headEnd = s.length();
                        for (String line : s.split("\r\n")) {
                            if (line.toLowerCase().startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        if (length <= 0) {
                            break;
                        }
                    }
                } else if (buf.size() - headEnd >= length) {
                    break;
                }
            }
            return buf.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a test socket
            }
        }
    }

    /** Offers one certificate and key, whichever CAs the server names. */
    static final class Always extends X509ExtendedKeyManager {
        private final TestPki.Cert cert;

        Always(TestPki.Cert cert) {
            this.cert = cert;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return cert.chain();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return cert.key();
        }
    }

    static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
