package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.SourceTree;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * How big a model's package is, unpacked, in bytes: what the package-size limits are checked against.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface PackageSizer {

    /** The unpacked package size of {@code spec}'s model, or empty when it is unknown. */
    OptionalLong packageBytes(ModelSpec spec);

    /**
     * The model directory's files ({@link SourceTree#totalBytes()}) plus the serving adapter mldeploy adds
     * ({@link dev.mldeploy.bundle.AdapterFiles}), or {@link ModelSpec#declaredPackageBytes()} when the spec has no
     * directory.
     */
    static PackageSizer standard() {
        return withAdapterBytes(StandardPackageSizer.ADAPTER_BYTES);
    }

    /** Like {@link #standard()}, with the adapter's size from {@code adapterBytes} (asked at most once). */
    static PackageSizer withAdapterBytes(LongSupplier adapterBytes) {
        return new StandardPackageSizer(adapterBytes);
    }
}
