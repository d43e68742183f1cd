package dev.mldeploy.placement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.Locale;

/** Number formatting for reasons and cost-item names: grouping commas, no trailing zeros, US dollars. */
final class Fmt {
    private Fmt() {
    }

    /** {@code 1234567.50} as {@code 1,234,567.5}. */
    static String num(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        DecimalFormat f = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.US));
        f.setMaximumFractionDigits(Math.max(0, s.scale()));
        f.setMinimumFractionDigits(Math.max(0, s.scale()));
        f.setRoundingMode(RoundingMode.UNNECESSARY);
        return f.format(s);
    }

    static String num(long v) {
        return num(BigDecimal.valueOf(v));
    }

    /** A unit price as published: {@code $0.0000166667}. */
    static String price(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return "$" + (s.scale() < 2 ? s.setScale(2) : s).toPlainString();
    }

    /** A rounded amount: {@code $12.30}. */
    static String usd(BigDecimal v) {
        return "$" + v.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code 262,144,001 bytes}. */
    static String bytes(long v) {
        return num(v) + " bytes";
    }

    /** A size limit: {@code 250 MB (262,144,000 bytes)}, or GB when whole. */
    static String limit(long bytes) {
        return size(bytes) + " (" + bytes(bytes) + ")";
    }

    /** {@code 250 MB}, {@code 10 GB}. */
    static String size(long bytes) {
        return bytes % Units.GB == 0 ? num(bytes / Units.GB) + " GB" : num(mb(bytes)) + " MB";
    }

    /** Bytes as MB, exact. */
    static BigDecimal mb(long bytes) {
        return new BigDecimal(bytes).divide(BigDecimal.valueOf(Units.MB));
    }

    /** {@code 200 ms}, {@code 900.001 s}, {@code 20 min}, {@code 1 h}. */
    static String duration(Duration d) {
        BigDecimal seconds = seconds(d);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return num(seconds.movePointRight(3)) + " ms";
        }
        if (d.toNanosPart() == 0 && d.toSecondsPart() == 0 && d.toMinutes() >= 2) {
            return d.toHours() >= 1 && d.toMinutesPart() == 0 ? num(d.toHours()) + " h" : num(d.toMinutes()) + " min";
        }
        return num(seconds) + " s";
    }

    /** Exact seconds of {@code d}. */
    static BigDecimal seconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros();
    }

    /** A size for people: {@link dev.mldeploy.DependencySizes#approximate(long)}. */
    static String approx(long bytes) {
        return dev.mldeploy.DependencySizes.approximate(bytes);
    }
}
