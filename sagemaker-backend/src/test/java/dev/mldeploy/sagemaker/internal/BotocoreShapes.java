package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * A service's botocore model (the {@code service-2.json} AWS's own SDKs are generated from), and a strict check of a
 * JSON request body against one of its shapes: required members, unknown members, enums, string lengths and
 * patterns, integer ranges, list sizes. For requests moto cannot serve (UpdateEndpoint), so that what mldeploy sends
 * is checked against what AWS accepts. Needs python3 with botocore (installed with moto); skips saying so otherwise.
 */
final class BotocoreShapes {
    private final Map<String, Object> shapes;

    @SuppressWarnings("unchecked")
    private BotocoreShapes(Map<String, Object> model) {
        this.shapes = (Map<String, Object>) model.get("shapes");
    }

    static BotocoreShapes load(String service) {
        Path dir;
        try {
            Process p = new ProcessBuilder("python3", "-c",
                    "import botocore, os; print(os.path.dirname(botocore.__file__))").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Assumptions.assumeTrue(p.waitFor() == 0, "needs python3 with botocore (pip install botocore): " + out);
            dir = Path.of(out, "data", service);
        } catch (IOException e) {
            Assumptions.abort("needs python3 with botocore (pip install botocore): " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        try (var versions = Files.list(dir)) {
            Path latest = versions.filter(Files::isDirectory).sorted().reduce((a, b) -> b).orElseThrow();
            Path gz = latest.resolve("service-2.json.gz");
            Path plain = latest.resolve("service-2.json");
            try (InputStream in = Files.exists(gz) ? new GZIPInputStream(Files.newInputStream(gz))
                    : Files.newInputStream(plain)) {
                return new BotocoreShapes(Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read botocore's " + service + " model under " + dir, e);
        }
    }

    /** Every way {@code value} breaks {@code shape}; empty when AWS's model accepts it. */
    List<String> violations(Object value, String shape) {
        List<String> out = new ArrayList<>();
        check(value, shape, shape, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private void check(Object value, String shapeName, String at, List<String> out) {
        Map<String, Object> s = (Map<String, Object>) shapes.get(shapeName);
        String type = (String) s.get("type");
        switch (type) {
            case "structure" -> {
                if (!(value instanceof Map<?, ?> m)) {
                    out.add(at + ": not an object");
                    return;
                }
                Map<String, Object> members = (Map<String, Object>) s.get("members");
                for (Object r : (List<Object>) s.getOrDefault("required", List.of())) {
                    if (!m.containsKey(r)) {
                        out.add(at + "." + r + ": required");
                    }
                }
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    Map<String, Object> member = (Map<String, Object>) members.get(e.getKey());
                    if (member == null) {
                        out.add(at + "." + e.getKey() + ": unknown member");
                    } else {
                        check(e.getValue(), (String) member.get("shape"), at + "." + e.getKey(), out);
                    }
                }
            }
            case "list" -> {
                if (!(value instanceof List<?> l)) {
                    out.add(at + ": not a list");
                    return;
                }
                range(l.size(), s, at + " (size)", out);
                String member = (String) ((Map<String, Object>) s.get("member")).get("shape");
                for (int i = 0; i < l.size(); i++) {
                    check(l.get(i), member, at + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!(value instanceof String str)) {
                    out.add(at + ": not a string");
                    return;
                }
                range(str.length(), s, at + " (length)", out);
                List<Object> values = (List<Object>) s.get("enum");
                if (values != null && !values.contains(str)) {
                    out.add(at + ": '" + str + "' not one of " + values);
                }
                String pattern = (String) s.get("pattern");
                if (pattern != null && !java.util.regex.Pattern.compile(pattern).matcher(str).find()) {
                    out.add(at + ": '" + str + "' does not match " + pattern);
                }
            }
            case "integer", "long" -> {
                if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    out.add(at + ": not an integer");
                    return;
                }
                range(n.longValue(), s, at, out);
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    out.add(at + ": not a boolean");
                }
            }
            default -> {
                // other types do not occur in the shapes checked here
            }
        }
    }

    private static void range(long n, Map<String, Object> s, String at, List<String> out) {
        if (s.get("min") instanceof Number min && n < min.longValue()) {
            out.add(at + ": " + n + " below min " + min);
        }
        if (s.get("max") instanceof Number max && n > max.longValue()) {
            out.add(at + ": " + n + " above max " + max);
        }
    }
}
