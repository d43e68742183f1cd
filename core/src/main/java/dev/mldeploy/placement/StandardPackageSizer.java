package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.SourceTree;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/** {@link PackageSizer#standard()}: source tree plus adapter, else the declared size. Thread-safe. */
final class StandardPackageSizer implements PackageSizer {
    /** The adapter's size, read from the core jar's resources only when a spec has a directory. */
    static final LongSupplier ADAPTER_BYTES = () -> AdapterFiles.files().values().stream()
            .mapToLong(b -> b.length).sum();

    private final LongSupplier adapterBytes;
    private volatile long adapter = -1;

    StandardPackageSizer(LongSupplier adapterBytes) {
        this.adapterBytes = Objects.requireNonNull(adapterBytes, "adapterBytes");
    }

    @Override
    public OptionalLong packageBytes(ModelSpec spec) {
        if (spec.source().isPresent()) {
            return OptionalLong.of(SourceTree.of(spec).totalBytes() + adapter());
        }
        return spec.declaredPackageBytes();
    }

    private long adapter() {
        long a = adapter;
        if (a < 0) {
            a = adapterBytes.getAsLong();
            adapter = a;
        }
        return a;
    }
}
