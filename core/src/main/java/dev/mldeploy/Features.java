package dev.mldeploy;

/**
 * Features the deployment must have.
 *
 * @param variants    how many production variants (A/B testing) the endpoint serves; 1 means no A/B test
 * @param dataCapture whether requests and responses are captured for monitoring
 */
public record Features(int variants, boolean dataCapture) {

    public Features {
        if (variants < 1) {
            throw new InvalidSpecException("variants must be at least 1, was " + variants);
        }
    }

    /** One variant, no data capture. */
    public static Features none() {
        return new Features(1, false);
    }

    public Features withVariants(int value) {
        return new Features(value, dataCapture);
    }

    public Features withDataCapture(boolean value) {
        return new Features(variants, value);
    }
}
