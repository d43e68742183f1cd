package dev.mldeploy;

import java.math.BigDecimal;
import java.util.List;

/**
 * A monthly cost estimate: line items rounded to the cent, and their sum.
 *
 * @param items the line items
 *
 * <p>Immutable; thread-safe.
 */
public record CostEstimate(List<CostItem> items) {
    public CostEstimate {
        items = List.copyOf(items);
    }

    public static CostEstimate of(CostItem... items) {
        return new CostEstimate(List.of(items));
    }

    /** The sum of the rounded items, in US dollars a month. */
    public BigDecimal totalUsd() {
        return items.stream().map(CostItem::usd).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }
}
