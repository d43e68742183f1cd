package dev.mldeploy.placement;

/**
 * Published prices (us-east-1) the cost model uses; every figure in one place. See {@code aws-facts.md}.
 */
public final class PriceTables {
    /** Hours in a month, as AWS's pricing calculator counts them. */
    public static final double HOURS_PER_MONTH = 730;

    private PriceTables() {
    }
}
