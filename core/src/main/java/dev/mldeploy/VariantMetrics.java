package dev.mldeploy;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The figures of one variant (SageMaker production variant) or version/alias (Lambda) over a window. A metric is
 * absent when the target has no such metric or CloudWatch had no data point for it in the window.
 *
 * @param variant the variant's name, or the alias or version ({@code live}, {@code 3})
 * @param values  the figures, in {@link Metric} order
 */
public record VariantMetrics(String variant, Map<Metric, Double> values) {
    public VariantMetrics {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(values, "values");
        EnumMap<Metric, Double> copy = new EnumMap<>(Metric.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    /** The figure for {@code metric}, when there was one. */
    public OptionalDouble value(Metric metric) {
        Double v = values.get(metric);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
