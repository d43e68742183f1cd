package dev.mldeploy;

/**
 * What {@link ModelDeployer.Builder#provider(TargetPlugin)} takes: a configured target. Every
 * {@code dev.mldeploy.spi.TargetProvider} is one, and only those are accepted; the API names this type instead of
 * the SPI's so that the API package depends on no other package (the SPI depends on the API, never the reverse).
 */
public interface TargetPlugin {

    /** The target's name: lower case letters, digits and hyphens ({@code local}, {@code sagemaker}, ...). */
    String name();

    /** One line for people. */
    String description();
}
