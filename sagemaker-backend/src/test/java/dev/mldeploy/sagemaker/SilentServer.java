package dev.mldeploy.sagemaker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For the timeout tests: a server on 127.0.0.1 that accepts connections and never answers, except that it may
 * answer {@code HEAD} requests (so that an S3 client gets past HeadBucket and HeadObject and hangs on the upload
 * itself). Close it after the test.
 */
final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final boolean answerHead;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    /** @param answerHead whether HEAD of a bucket answers 200 and HEAD of a key 404 (all else: silence) */
    SilentServer(boolean answerHead) throws IOException {
        this.answerHead = answerHead;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "silent-server");
        t.setDaemon(true);
        t.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The request lines received ("PUT /bucket/key HTTP/1.1"), to show what hung. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "silent-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String line = head.lines().findFirst().orElse("");
                requestLines.add(line);
                String[] parts = line.split(" ");
                if (answerHead && parts.length > 1 && parts[0].equals("HEAD")) {
                    String path = parts[1].split("\\?")[0];
                    boolean bucket = path.indexOf('/', 1) < 0;
                    out.write(((bucket ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found")
                            + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                in.transferTo(OutputStream.nullOutputStream()); // read all, answer nothing, until the client gives up
                return;
            }
        } catch (IOException e) {
            // the client gave up: that is the point
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
