package dev.mldeploy;

import dev.mldeploy.spi.TargetProvider;

/** A test fixture in the API package that names an SPI type, which {@code apiPackageDependsOnNoOtherCorePackage} refuses. */
public final class ApiLayerOffender {
    private ApiLayerOffender() {
    }

    public static String nameOf(TargetProvider provider) {
        return provider.name();
    }
}
