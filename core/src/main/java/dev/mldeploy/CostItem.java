package dev.mldeploy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * One line of a monthly cost estimate, rounded to the cent (half up), as AWS's own pricing examples do.
 *
 * @param name what is charged ("Lambda requests", "ml.m5.large x 2 instance-hours", ...)
 * @param usd  US dollars a month, two decimals
 *
 * <p>Immutable; thread-safe.
 */
public record CostItem(String name, BigDecimal usd) {
    public CostItem {
        Objects.requireNonNull(name, "name");
        usd = Objects.requireNonNull(usd, "usd").setScale(2, RoundingMode.HALF_UP);
    }

    public static CostItem of(String name, BigDecimal unrounded) {
        return new CostItem(name, unrounded);
    }
}
