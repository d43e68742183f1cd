package dev.mldeploy.lambda.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.InvalidImageException;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * How the {@code lambda} target packages a function as a container image it builds itself, checked when the
 * public builder builds. Immutable.
 *
 * @param image     {@code true}: always build and push an image; {@code false}: always a zip; null: a zip unless
 *                  placement chose {@code lambda:image} (the model and its dependencies are over the zip limit)
 * @param baseImage the base image reference replacing AWS's Lambda Python image, or null
 * @param ecrClient the caller's ECR client, or null to build one
 * @param recipes   what makes the image's recipe (the public {@code LambdaImageRecipe}, which this package may not
 *                  name: the public package already depends on this one), or null when no image can be built
 */
public record ImageSettings(Boolean image, String baseImage, EcrClient ecrClient, Recipes recipes) {
    public static final ImageSettings DEFAULT = new ImageSettings(null, null, null, null);

    /** Prepares the recipe of a function's image. */
    @FunctionalInterface
    public interface Recipes {
        /**
         * @param base the base image, or null for AWS's Lambda Python image of {@code runtime}
         */
        Prepared prepare(ModelSpec spec, String runtime, Architecture architecture, ImageReference base,
                         String python, Map<String, String> pipEnvironment, Duration timeout);
    }

    /** A prepared recipe; closing it deletes its staged files. */
    public interface Prepared extends AutoCloseable {
        ImageRecipe recipe();

        @Override
        void close();
    }

    /** Throws {@link InvalidConfigurationException} for a base image that is not an image reference. */
    public ImageSettings {
        if (baseImage != null) {
            parseBase(baseImage);
        }
        if (Boolean.FALSE.equals(image) && baseImage != null) {
            throw new InvalidConfigurationException("a base image (" + baseImage + ") is only used for a container "
                    + "image, and the lambda target is set to package a zip; drop --base-image or use --package "
                    + "image");
        }
    }

    /** {@code reference} parsed, or an {@link InvalidConfigurationException} naming the setting. */
    public static ImageReference parseBase(String reference) {
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageException e) {
            throw new InvalidConfigurationException("base image '" + reference + "' is not an image reference ("
                    + e.getMessage() + "); give one such as public.ecr.aws/lambda/python:3.12 or "
                    + "REGISTRY/REPOSITORY@sha256:DIGEST (--base-image, MLDEPLOY_BASE_IMAGE, "
                    + "LambdaTarget.builder().baseImage(...))", e);
        }
    }

    /** The parsed base image, or null for AWS's default. */
    public ImageReference baseReference() {
        return baseImage == null ? null : parseBase(baseImage);
    }

    /** Leaves out the client. */
    @Override
    public String toString() {
        return "ImageSettings{image=" + image + ", baseImage=" + baseImage + "}";
    }
}
