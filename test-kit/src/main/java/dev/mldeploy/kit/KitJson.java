package dev.mldeploy.kit;

/**
 * The little JSON the kit writes and compares: a string literal, and a text without the white space outside its
 * strings (so that {@code {"a": 1}} and {@code {"a":1}} compare equal, key order still counting). Hand-written
 * because the kit compares short answers it wrote itself, and a published test library should not make its users
 * take a JSON library, nor lean on core's internal one.
 */
final class KitJson {
    private KitJson() {
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    /** {@code json} without the white space that stands outside its string literals. */
    static String compact(String json) {
        StringBuilder b = new StringBuilder(json.length());
        boolean inString = false;
        boolean escaped = false;
        for (char c : json.toCharArray()) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (Character.isWhitespace(c)) {
                continue;
            } else if (c == '"') {
                inString = true;
            }
            b.append(c);
        }
        return b.toString();
    }
}
