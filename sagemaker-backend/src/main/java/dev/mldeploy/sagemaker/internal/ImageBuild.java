package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.InvalidImageException;
import java.time.Duration;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * Whether the {@code sagemaker} target builds the serving image itself ({@code --image build}) and from what,
 * checked when the public builder builds. Immutable. Not API.
 *
 * @param build     build and push the serving image instead of taking an image URI or a prebuilt one
 * @param baseImage the base image reference replacing {@code python:<version>-slim}, or null
 * @param ecrClient the caller's ECR client, or null to build one
 * @param recipes   what makes the image's recipe (the public {@code SageMakerImageRecipe}, which this package may
 *                  not name: the public package already depends on this one), or null when none can be built
 */
public record ImageBuild(boolean build, String baseImage, EcrClient ecrClient, Recipes recipes) {
    public static final ImageBuild NONE = new ImageBuild(false, null, null, null);

    /** Prepares the recipe of a serving image. */
    @FunctionalInterface
    public interface Recipes {
        /**
         * @param base the base image, or null for the default one of the spec's Python version
         */
        Prepared prepare(ModelSpec spec, Architecture architecture, ImageReference base, Duration timeout);
    }

    /** A prepared recipe; closing it deletes its staged files. */
    public interface Prepared extends AutoCloseable {
        ImageRecipe recipe();

        @Override
        void close();
    }

    /** Throws {@link InvalidConfigurationException} for a base image that is not an image reference. */
    public ImageBuild {
        if (baseImage != null) {
            parseBase(baseImage);
        }
    }

    /** {@code reference} parsed, or an {@link InvalidConfigurationException} naming the setting. */
    public static ImageReference parseBase(String reference) {
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageException e) {
            throw new InvalidConfigurationException("base image '" + reference + "' is not an image reference ("
                    + e.getMessage() + "); give one such as public.ecr.aws/docker/library/python:3.12-slim or "
                    + "REGISTRY/REPOSITORY@sha256:DIGEST (--base-image, MLDEPLOY_BASE_IMAGE, "
                    + "SageMakerTarget.builder().baseImage(...))", e);
        }
    }

    /** The parsed base image, or null for the default. */
    public ImageReference baseReference() {
        return baseImage == null ? null : parseBase(baseImage);
    }

    /** Leaves out the client. */
    @Override
    public String toString() {
        return "ImageBuild{build=" + build + ", baseImage=" + baseImage + "}";
    }
}
